package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// TestUploadManagedByFolder: neither an upload named like a knowledge-folder document nor a
// .jsonl line with its id may replace it, and the document stays undeletable.
func TestUploadManagedByFolder(t *testing.T) {
	d := realDeps(t)
	store := d.Documents.(*rag.Store)
	dir := t.TempDir()
	if err := writeFile(dir+"/k.txt", strings.Repeat("知识库文件的内容很长,有许多句子。", 40)); err != nil {
		t.Fatal(err)
	}
	if _, err := (&ingest.Ingester{Store: store}).Sync(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	chunks := len(store.Document("k.txt").Chunks)
	srv := newTestServer(t, d)
	for _, tc := range []struct{ name, content string }{
		{"k.txt", "一句话。"},
		{"lines.jsonl", `{"id":"new","text":"新文档。"}` + "\n" + `{"id":"k.txt","text":"覆盖。"}`},
	} {
		if res := upload(t, srv, tc.name, tc.content, false); res.status != http.StatusConflict || res.errorCode() != "managed_by_folder" {
			t.Errorf("upload %s: %d %s, want 409 managed_by_folder", tc.name, res.status, res.body)
		}
	}
	if doc := store.Document("k.txt"); doc == nil || len(doc.Chunks) != chunks || doc.Origin != rag.OriginKnowledge {
		t.Fatalf("k.txt was replaced by an upload")
	}
	if res := do(t, srv, "DELETE", "/v1/documents/k.txt", ""); res.status != http.StatusConflict || res.errorCode() != "managed_by_folder" {
		t.Errorf("delete: %d %s, want 409", res.status, res.body)
	}
}

// TestUploadJSONLPartial: good lines are indexed, bad ones reported by line number.
func TestUploadJSONLPartial(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	body := strings.Join([]string{
		`{"id":"a","text":"数字疗法是由软件驱动的循证治疗干预。"}`,
		`{"id":"b", broken`,
		`{"id":"c","text":"城市大脑汇聚政务数据,支撑城市治理。"}`,
		`{"id":"a","text":"重复的 id。"}`,
	}, "\n")
	res := upload(t, srv, "lines.jsonl", body, true)
	var got uploadResult
	if err := json.Unmarshal(res.body, &got); err != nil || res.status != http.StatusCreated {
		t.Fatalf("upload: %d %s, want 201", res.status, res.body)
	}
	if got.Added != 2 || len(got.BadLines) != 2 || got.BadLines[0].Line != 2 || got.BadLines[1].Line != 4 ||
		!strings.Contains(got.BadLines[1].Reason, "line 1") {
		t.Errorf("result %s: want a and c added, lines 2 and 4 reported", res.body)
	}
	if res := upload(t, srv, "bad.jsonl", `{"broken`, false); res.status != http.StatusUnprocessableEntity {
		t.Errorf("all lines bad: %d %s, want 422", res.status, res.body)
	}
}

func TestUploadControlCharacterName(t *testing.T) {
	srv := newTestServer(t, realDeps(t))
	for _, name := range []string{"ctl\x01\x1b[31m.txt", "dir/\x7fa.txt", "evil\u202etxt.md"} {
		for _, multi := range []bool{false, true} {
			// In a multipart header, Go's parser refuses the control character before the name
			// is seen; that is a 400 too, and its message must not quote the header back.
			res := upload(t, srv, name, "正文。", multi)
			code := res.errorCode()
			if res.status != http.StatusBadRequest || (code != "invalid_name" && !(multi && code == "invalid_multipart")) ||
				strings.Contains(string(res.body), "x1b") || strings.Contains(string(res.body), `\u001b`) {
				t.Errorf("upload %q (multipart %v): %d %s, want 400 invalid_name", name, multi, res.status, res.body)
			}
		}
	}
}

func TestUploadTooLargeText(t *testing.T) {
	d := realDeps(t)
	d.Uploader = &ingest.Ingester{Store: d.Documents.(*rag.Store), MaxChunks: 3}
	srv := newTestServer(t, d)
	res := upload(t, srv, "big.txt", strings.Repeat(strings.Repeat("数字", 140)+"。", 4), false)
	if res.status != http.StatusRequestEntityTooLarge || res.errorCode() != "too_large" {
		t.Errorf("upload: %d %s, want 413 too_large", res.status, res.body)
	}
}

// blockingUploader holds every upload until release is closed.
type blockingUploader struct {
	entered chan struct{}
	release chan struct{}
}

func (b *blockingUploader) IngestBytes(ctx context.Context, name string, data []byte) (ingest.Report, error) {
	b.entered <- struct{}{}
	<-b.release
	return ingest.Report{Files: 1, Added: 1}, nil
}

// TestUploadConcurrencyBounded: with every slot taken, another upload gets 503 busy with
// Retry-After instead of running beside them.
func TestUploadConcurrencyBounded(t *testing.T) {
	d := realDeps(t)
	up := &blockingUploader{entered: make(chan struct{}, uploadSlots), release: make(chan struct{})}
	h := limitBody(1<<20, handleUploadGated(up, d.Documents, newUploadGate(uploadSlots, 0)))
	post := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/v1/documents?name=a.txt", strings.NewReader("正文。"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	var wg sync.WaitGroup
	for range uploadSlots {
		wg.Go(func() { post() })
	}
	for range uploadSlots {
		<-up.entered
	}
	rec := post()
	var body errorBody
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != http.StatusServiceUnavailable || body.Error == nil || body.Error.Code != "busy" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("upload beyond %d at once: %d %s (Retry-After %q), want 503 busy", uploadSlots, rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	close(up.release)
	wg.Wait()
	if rec := post(); rec.Code != http.StatusCreated {
		t.Errorf("upload after the others finished: %d %s", rec.Code, rec.Body)
	}
}
