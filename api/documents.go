package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/ingest/loaders"
	"github.com/wenda-dev/wenda/rag"
)

// documentInfo is one document as GET /v1/documents lists it.
type documentInfo struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Source     string    `json:"source"`
	Origin     string    `json:"origin"` // "knowledge" (from the watched folder) or "upload"
	Chunks     int       `json:"chunks"`
	Size       int       `json:"size"`
	IngestedAt time.Time `json:"ingested_at"`
}

func infoOf(d *rag.Document) documentInfo {
	origin := d.Origin
	if origin == "" {
		origin = "upload"
	}
	return documentInfo{ID: d.ID, Title: d.Title, Source: d.Source, Origin: origin, Chunks: len(d.Chunks), Size: d.Size, IngestedAt: d.IngestedAt}
}

type documentList struct {
	Documents []documentInfo `json:"documents"`
	Chunks    int            `json:"chunks"`
}

func handleListDocuments(docs Documents) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		all := docs.Documents()
		out := documentList{Documents: make([]documentInfo, len(all))}
		for i, d := range all {
			out.Documents[i] = infoOf(d)
			out.Chunks += len(d.Chunks)
		}
		_ = encode(w, http.StatusOK, out)
	})
}

// uploadResult says what an upload did.
type uploadResult struct {
	Name string `json:"name"`
	// Status is "added", "replaced", "unchanged" (same name, same content: nothing done) or
	// "duplicate" (the same content is already indexed under another name: nothing done).
	Status     string         `json:"status"`
	Documents  []documentInfo `json:"documents"`
	Added      int            `json:"added"`
	Replaced   int            `json:"replaced"`
	Unchanged  int            `json:"unchanged"`
	Duplicates int            `json:"duplicates"`
	Chunks     int            `json:"chunks"`
	Warnings   []string       `json:"warnings,omitempty"`
}

func handleUpload(up Uploader, docs Documents) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if up == nil {
			writeError(w, r, &apiError{Status: http.StatusNotImplemented, Code: "uploads_disabled", Message: "uploads are not enabled on this server"})
			return
		}
		name, data, err := readUpload(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		rep, err := up.IngestBytes(r.Context(), name, data)
		if err != nil {
			writeError(w, r, err)
			return
		}
		res := uploadResult{Name: name, Documents: []documentInfo{}, Added: rep.Added, Replaced: rep.Replaced,
			Unchanged: rep.Unchanged, Duplicates: rep.Duplicates, Chunks: rep.Chunks}
		if rep.Added+rep.Replaced+rep.Unchanged+rep.Duplicates == 0 && len(rep.Failed) > 0 {
			writeError(w, r, unprocessable(rep.Failed[0].Err))
			return
		}
		for _, f := range rep.Failed { // a partly readable file: the rest was indexed
			res.Warnings = append(res.Warnings, f.Err.Error())
		}
		for _, d := range docs.Documents() {
			if d.Source == name {
				res.Documents = append(res.Documents, infoOf(d))
			}
		}
		status := http.StatusOK
		switch {
		case rep.Added > 0:
			res.Status, status = "added", http.StatusCreated
		case rep.Replaced > 0:
			res.Status = "replaced"
		case rep.Unchanged > 0:
			res.Status = "unchanged"
		default:
			res.Status = "duplicate"
		}
		loggerFrom(r.Context()).Info("upload", "name", name, "status", res.Status, "bytes", len(data), "chunks", rep.Chunks)
		_ = encode(w, status, res)
	})
}

// unprocessable maps a loader's verdict on a file to 422, in words the uploader can act on.
func unprocessable(err error) *apiError {
	code := "unreadable_file"
	switch {
	case errors.Is(err, loaders.ErrUnsupported):
		code = "unsupported_type"
	case errors.Is(err, loaders.ErrTooLarge):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: err.Error()}
	case errors.Is(err, loaders.ErrEncrypted):
		code = "encrypted_file"
	case errors.Is(err, loaders.ErrNoText):
		code = "no_text"
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: code, Message: err.Error()}
}

// readUpload returns the uploaded file: the multipart field "file", or the raw body named by
// ?name=. A ?name= also overrides a multipart file name (to place it in a folder-like id).
func readUpload(r *http.Request) (string, []byte, error) {
	name := r.URL.Query().Get("name")
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var data []byte
	if mediaType == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return "", nil, errBadRequest("invalid_multipart", "malformed multipart body: "+err.Error())
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return "", nil, errBadRequest("missing_file", `the multipart body has no "file" field`)
			}
			if err != nil {
				return "", nil, multipartError(err)
			}
			if part.FormName() != "file" {
				continue
			}
			if name == "" {
				name = part.FileName()
			}
			if data, err = io.ReadAll(part); err != nil {
				return "", nil, multipartError(err)
			}
			break
		}
	} else {
		if name == "" {
			return "", nil, errBadRequest("missing_name", "send multipart/form-data with a \"file\" field, or the raw file with ?name=FILENAME")
		}
		var err error
		if data, err = io.ReadAll(r.Body); err != nil {
			return "", nil, multipartError(err)
		}
	}
	name, err := cleanName(name)
	if err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, errBadRequest("empty_file", "the uploaded file is empty")
	}
	return name, data, nil
}

func multipartError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return maxErr
	}
	return errBadRequest("invalid_multipart", "could not read the upload: "+err.Error())
}

// cleanName makes an upload's name a relative slash path without "..", which becomes its
// document id.
func cleanName(name string) (string, error) {
	bad := errBadRequest("invalid_name", "the file name must be a relative path without \"..\", at most 255 bytes")
	name = strings.TrimSpace(strings.ReplaceAll(name, `\`, "/"))
	if name == "" || len(name) > 255 || !utf8.ValidString(name) || strings.ContainsAny(name, "\x00\r\n") {
		return "", bad
	}
	clean := path.Clean(strings.TrimLeft(name, "/"))
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", bad
	}
	return clean, nil
}

func handleDeleteDocument(docs Documents) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		doc := docs.Document(id)
		if doc == nil {
			writeError(w, r, errNotFound("no document with id "+sanitize(id, 200)))
			return
		}
		if doc.Origin == rag.OriginKnowledge {
			writeError(w, r, &apiError{Status: http.StatusConflict, Code: "managed_by_folder",
				Message: "this document comes from the knowledge folder; remove its file there instead"})
			return
		}
		removed, err := docs.Delete(r.Context(), id)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if len(removed) == 0 { // deleted meanwhile
			writeError(w, r, errNotFound("no document with id "+sanitize(id, 200)))
			return
		}
		loggerFrom(r.Context()).Info("deleted document", "id", id)
		_ = encode(w, http.StatusOK, struct {
			Deleted []string `json:"deleted"`
		}{removed})
	})
}
