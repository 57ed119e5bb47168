package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/ingest"
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
	// BadLines are the .jsonl lines that were not indexed, while the good lines were.
	BadLines []badLine `json:"bad_lines,omitempty"`
}

// badLine is one line of a .jsonl upload that was left out, and why.
type badLine struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Uploads are extracted, chunked and embedded at most uploadSlots at a time: one large upload
// can take a core and hundreds of MB for seconds (docs/loaders.md), and two unbounded 30 MB
// uploads at once were an OOM kill. A request waits up to uploadQueueWait for a slot, then gets
// 503 "busy" with Retry-After, so a client can tell a full server from a broken one.
const (
	uploadSlots      = 2
	uploadQueueWait  = 30 * time.Second
	uploadRetryAfter = "10" // seconds
)

// uploadGate bounds concurrent uploads; see uploadSlots.
type uploadGate struct {
	slots chan struct{}
	wait  time.Duration // 0: do not wait for a slot
}

func newUploadGate(slots int, wait time.Duration) *uploadGate {
	return &uploadGate{slots: make(chan struct{}, slots), wait: wait}
}

// enter takes a slot, waiting up to g.wait while ctx lasts. The caller must call leave after a
// nil error.
func (g *uploadGate) enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.wait <= 0 {
		return errBusy
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *uploadGate) leave() { <-g.slots }

var errBusy = &apiError{Status: http.StatusServiceUnavailable, Code: "busy",
	Message: "the server is indexing other uploads; retry after the number of seconds in Retry-After"}

func handleUpload(up Uploader, docs Documents) http.Handler {
	return handleUploadGated(up, docs, newUploadGate(uploadSlots, uploadQueueWait))
}

func handleUploadGated(up Uploader, docs Documents, gate *uploadGate) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if up == nil {
			writeError(w, r, &apiError{Status: http.StatusNotImplemented, Code: "uploads_disabled", Message: "uploads are not enabled on this server"})
			return
		}
		// The body is read before taking a slot, so a slow uploader does not hold one.
		name, data, err := readUpload(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if err := gate.enter(r.Context()); err != nil {
			if errors.Is(err, errBusy) {
				w.Header().Set("Retry-After", uploadRetryAfter)
			}
			writeError(w, r, err)
			return
		}
		rep, err := up.IngestBytes(r.Context(), name, data)
		gate.leave()
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
			var partial *loaders.PartialError
			if errors.As(f.Err, &partial) {
				for i, n := range partial.Lines {
					res.BadLines = append(res.BadLines, badLine{Line: n, Reason: partial.Errs[i].Error()})
				}
			}
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
	case errors.Is(err, ingest.ErrManagedByFolder):
		return &apiError{Status: http.StatusConflict, Code: "managed_by_folder", Message: err.Error() +
			"; these documents come from the knowledge folder: change their files there instead"}
	case errors.Is(err, ingest.ErrBadName):
		return errBadRequest("invalid_name", "the file name must not hold control characters")
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
			return "", nil, errBadRequest("invalid_multipart", "malformed multipart body: the Content-Type needs a boundary")
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
	// The parser's own text can quote the client's bytes back, control characters included.
	return errBadRequest("invalid_multipart", "could not read the upload: the multipart body is malformed")
}

// cleanName makes an upload's name a relative slash path without "..", which becomes its
// document id.
func cleanName(name string) (string, error) {
	bad := errBadRequest("invalid_name", "the file name must be a relative path without \"..\", at most 255 bytes")
	name = strings.TrimSpace(strings.ReplaceAll(name, `\`, "/"))
	if name == "" || len(name) > 255 || !utf8.ValidString(name) {
		return "", bad
	}
	if loaders.HasControl(name) {
		// An id with escape sequences would reach terminals (wenda search) and logs as is.
		return "", errBadRequest("invalid_name", "the file name must not hold control characters")
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
