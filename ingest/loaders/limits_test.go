package loaders

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sharedStringBomb is a workbook whose one shared string of strLen bytes is referenced by
// cells cells: a small file whose text is cells×strLen bytes.
func sharedStringBomb(t testing.TB, cells, strLen int) []byte {
	t.Helper()
	var sheet strings.Builder
	sheet.WriteString(`<worksheet><sheetData>`)
	for r := 0; r < cells/100; r++ {
		sheet.WriteString(`<row>`)
		for range 100 {
			sheet.WriteString(`<c t="s"><v>0</v></c>`)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	return zipOf(t,
		"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" r:id="r1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="r1" Target="sheet1.xml"/></Relationships>`,
		"xl/sharedStrings.xml", `<sst><si><t>`+strings.Repeat("x", strLen)+`</t></si></sst>`,
		"xl/sheet1.xml", sheet.String())
}

// TestSharedStringBomb: one 21,000-character shared string referenced by many cells is text far
// beyond what the small file suggests; it must stop at MaxText with ErrTooLarge.
func TestSharedStringBomb(t *testing.T) {
	data := sharedStringBomb(t, 4000, 21000) // 84 MB of text from a ~20 KB file
	if len(data) > 64<<10 {
		t.Fatalf("fixture is %d bytes; it should be small", len(data))
	}
	docs, err := Load("bomb.xlsx", data, Options{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Load = %d docs, error %v; want ErrTooLarge", len(docs), err)
	}
	if !strings.Contains(err.Error(), "extracted text") {
		t.Errorf("error %q should say the extracted text is what is too large", err)
	}
}

// TestMaxTextEveryFormat: the text limit holds for formats that do not charge it as they go.
func TestMaxTextEveryFormat(t *testing.T) {
	opts := Options{MaxText: 1000}
	tests := map[string]string{
		"a.txt":   strings.Repeat("数字疗法。", 100),
		"a.md":    "# 标题\n\n" + strings.Repeat("数字疗法。", 100),
		"a.html":  "<p>" + strings.Repeat("数字疗法。", 100) + "</p>",
		"a.csv":   "名称,说明\n" + strings.Repeat("数字疗法,循证治疗\n", 100),
		"a.jsonl": strings.Repeat(`{"id":"x","text":"数字疗法。"}`+"\n", 1) + fmt.Sprintf(`{"id":"y","text":"%s"}`, strings.Repeat("数字疗法。", 100)),
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Load(name, []byte(text), opts); !errors.Is(err, ErrTooLarge) {
				t.Errorf("Load(%s) error %v, want ErrTooLarge", name, err)
			}
			if _, err := Load(name, []byte(text), Options{}); err != nil {
				t.Errorf("Load(%s) with default limits: %v", name, err)
			}
		})
	}
}

func TestJSONLLineChecks(t *testing.T) {
	data := strings.Join([]string{
		`{"id":"a","text":"第一条。"}`,
		`{"id":"b","text":"第二条。"}`,
		`{"id":"a","text":"重复的 id。"}`,
		`{"id":"ctl\u001b[31m","text":"控制字符。"}`,
		`{"id":5,"text":"数字 id。"}`,
		`[1,2]`,
	}, "\n")
	docs, err := Load("r.jsonl", []byte(data), Options{})
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("error = %v, want *PartialError", err)
	}
	if got, want := fmt.Sprint(pe.Lines), "[3 4 5 6]"; got != want {
		t.Errorf("bad lines = %s, want %s", got, want)
	}
	wantReasons := []string{`id "a" already used on line 1`, `"id" holds control characters`, `"id" must be a string`, `not a JSON object`}
	for i, want := range wantReasons {
		if i < len(pe.Errs) && !strings.Contains(pe.Errs[i].Error(), want) {
			t.Errorf("line %d reason %q, want %q", pe.Lines[i], pe.Errs[i], want)
		}
	}
	if len(docs) != 2 || docs[0].Text() != "第一条。" || docs[1].ID != "b" {
		t.Errorf("docs = %+v, want lines 1 and 2 (the first use of an id wins)", docs)
	}
}

func TestHasControl(t *testing.T) {
	for s, want := range map[string]bool{
		"报告/2024 年.txt":       false,
		"ctl\x01\x1b[31m.txt": true,
		"a\x7f":               true,
		"a\u0085b":            true, // C1 next line
		"evil\u202etxt.exe":   true, // right-to-left override
		"tab\there":           true,
	} {
		if got := HasControl(s); got != want {
			t.Errorf("HasControl(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestMarkdownTextOnly: no Markdown or HTML syntax reaches the text that answers quote, and the
// heading path is still the section path.
func TestMarkdownTextOnly(t *testing.T) {
	docs, err := Load("gfm.md", readFixture(t, "gfm.md"), Options{})
	if err != nil || len(docs) != 1 {
		t.Fatalf("Load = %d docs, %v", len(docs), err)
	}
	text := docs[0].Text()
	for _, syntax := range []string{"**", "~~", "| ---", "<div", "<span", "<br", "&amp;", "\\*", "alert(", "[x]", "](", "> 引用"} {
		if strings.Contains(text, syntax) {
			t.Errorf("text holds Markdown/HTML syntax %q:\n%s", syntax, text)
		}
	}
	for _, want := range []string{"数字疗法是一种循证的治疗干预", "产品: Somryst; 适应症: 慢性失眠; 获批年份: 2020", "这是一段 原始 HTML 的说明。", "*不是强调*", "& <标签> 中"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if got := strings.Join(docs[0].Sections[1].Path, " > "); got != "数字疗法简介 > 已获批的产品" {
		t.Errorf("section path %q", got)
	}
}
