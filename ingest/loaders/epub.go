package loaders

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// loadEPUB reads an e-book's chapters in spine order through the HTML extractor. Each section's
// path starts with its chapter's title: the chapter's first heading, else its table-of-contents
// label.
func loadEPUB(_ string, data []byte, b *budget) ([]Document, error) {
	z, err := openZip(data, b)
	if err != nil {
		return nil, err
	}
	opfPath, err := epubRootfile(z)
	if err != nil {
		return nil, err
	}
	raw, err := z.read(opfPath)
	if err != nil {
		return nil, err
	}
	var opf struct {
		Titles   []string `xml:"metadata>title"`
		Manifest []struct {
			ID         string `xml:"id,attr"`
			Href       string `xml:"href,attr"`
			MediaType  string `xml:"media-type,attr"`
			Properties string `xml:"properties,attr"`
		} `xml:"manifest>item"`
		Spine struct {
			TOC   string `xml:"toc,attr"`
			Items []struct {
				IDRef string `xml:"idref,attr"`
			} `xml:"itemref"`
		} `xml:"spine"`
	}
	if err := xml.Unmarshal(raw, &opf); err != nil {
		return nil, fmt.Errorf("parse %s: %v: %w", opfPath, err, ErrCorrupt)
	}
	type item struct{ path, mediaType string }
	items := map[string]item{}
	var navPath, ncxPath string
	for _, it := range opf.Manifest {
		p := resolveZipPath(opfPath, unescapeHref(it.Href))
		items[it.ID] = item{p, it.MediaType}
		if hasToken(it.Properties, "nav") {
			navPath = p
		}
		if it.ID == opf.Spine.TOC {
			ncxPath = p
		}
	}
	// Chapter entry name → table-of-contents label. The first label found for an entry wins, so
	// the EPUB 3 navigation document, read first, wins over the NCX kept for old readers.
	labels := map[string]string{}
	if navPath != "" && z.has(navPath) {
		if err := epubNavLabels(z, navPath, labels); err != nil {
			return nil, err
		}
	}
	if ncxPath != "" && z.has(ncxPath) {
		if err := epubNCXLabels(z, ncxPath, labels); err != nil {
			return nil, err
		}
	}

	doc := Document{}
	if len(opf.Titles) > 0 {
		doc.Title = collapseSpace(opf.Titles[0])
	}
	seen := map[string]bool{}
	for _, ref := range opf.Spine.Items {
		it, ok := items[ref.IDRef]
		if !ok || seen[it.path] || !z.has(it.path) || !strings.Contains(it.mediaType, "html") {
			continue
		}
		seen[it.path] = true
		raw, err := z.read(it.path)
		if err != nil {
			return nil, err
		}
		page, err := epubChapter(raw, b)
		if err != nil {
			return nil, fmt.Errorf("chapter %s: %w", it.path, err)
		}
		chapter := page.firstHead
		if chapter == "" {
			chapter = labels[it.path]
		}
		if chapter == "" {
			chapter = page.title
		}
		for _, s := range page.sections {
			if chapter != "" && (len(s.Path) == 0 || s.Path[0] != chapter) {
				s.Path = append([]string{chapter}, s.Path...)
			}
			doc.Sections = append(doc.Sections, s)
		}
	}
	if len(doc.Sections) == 0 {
		return nil, fmt.Errorf("book has no text: %w", ErrNoText)
	}
	return []Document{doc}, nil
}

// epubRootfile finds the package document named by META-INF/container.xml.
func epubRootfile(z *zipArchive) (string, error) {
	const container = "META-INF/container.xml"
	raw, err := z.read(container)
	if err != nil {
		return "", err
	}
	var c struct {
		Rootfiles []struct {
			FullPath string `xml:"full-path,attr"`
		} `xml:"rootfiles>rootfile"`
	}
	if err := xml.Unmarshal(raw, &c); err != nil {
		return "", fmt.Errorf("parse %s: %v: %w", container, err, ErrCorrupt)
	}
	if len(c.Rootfiles) == 0 || c.Rootfiles[0].FullPath == "" {
		return "", fmt.Errorf("%s names no package document: %w", container, ErrCorrupt)
	}
	return strings.TrimPrefix(c.Rootfiles[0].FullPath, "/"), nil
}

// epubChapter extracts one chapter's XHTML.
func epubChapter(raw []byte, b *budget) (htmlPage, error) {
	s, err := decodeHTML(raw)
	if err != nil {
		return htmlPage{}, err
	}
	root, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return htmlPage{}, fmt.Errorf("parse html: %w", ErrCorrupt)
	}
	return extractHTML(root, b)
}

// epubNCXLabels reads the labels of an EPUB 2 NCX table of contents; the first label pointing at
// a file wins, since later ones name sections within it.
func epubNCXLabels(z *zipArchive, name string, labels map[string]string) error {
	raw, err := z.read(name)
	if err != nil {
		return err
	}
	var (
		label strings.Builder
		inTxt bool
	)
	return walkXML(raw, z.b, func(tok xml.Token) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "navLabel":
				label.Reset()
			case "text":
				inTxt = true
			case "content":
				p := resolveZipPath(name, unescapeHref(xmlAttr(t, "src")))
				if labels[p] == "" {
					labels[p] = collapseSpace(label.String())
				}
			}
		case xml.EndElement:
			if t.Name.Local == "text" {
				inTxt = false
			}
		case xml.CharData:
			if inTxt {
				label.Write(t)
			}
		}
	})
}

// epubNavLabels reads the links of an EPUB 3 navigation document's table of contents.
func epubNavLabels(z *zipArchive, name string, labels map[string]string) error {
	raw, err := z.read(name)
	if err != nil {
		return err
	}
	root, err := html.Parse(bytes.NewReader(raw))
	if err != nil {
		return nil // the NCX labels, or none, will do
	}
	var walk func(n *html.Node, inTOC bool, depth int)
	walk = func(n *html.Node, inTOC bool, depth int) {
		if depth > maxHTMLDepth {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Nav:
				inTOC = attr(n, "epub:type") == "toc" || attr(n, "role") == "doc-toc"
			case atom.A:
				if inTOC {
					p := resolveZipPath(name, unescapeHref(attr(n, "href")))
					if labels[p] == "" {
						labels[p] = collapseSpace(textContent(n))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inTOC, depth+1)
		}
	}
	walk(root, false, 0)
	return nil
}

// unescapeHref drops the fragment of a manifest or TOC link and undoes its URL escaping.
func unescapeHref(href string) string {
	href, _, _ = strings.Cut(href, "#")
	if u, err := url.PathUnescape(href); err == nil {
		return u
	}
	return href
}
