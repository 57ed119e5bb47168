package api

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPI checks that openapi.json is an OpenAPI 3 document describing exactly the routes in
// routes.go, and that the server serves it.
func TestOpenAPI(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Title, Version string
		} `json:"info"`
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json does not parse: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("openapi %q, info %+v: want an OpenAPI 3.x document with title and version", doc.OpenAPI, doc.Info)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			if len(op.Responses) == 0 {
				t.Errorf("%s %s has no responses", method, path)
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	var served []string
	d := realDeps(t)
	d.Metrics = NewMetrics()
	for _, rt := range routes(&d) {
		// ServeMux's {id...} is OpenAPI's {id}.
		served = append(served, rt.method+" "+strings.ReplaceAll(rt.path, "...}", "}"))
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("openapi.json and routes.go disagree:\ndocumented %q\nserved     %q", documented, served)
	}

	srv := newTestServer(t, realDeps(t))
	res := do(t, srv, "GET", "/openapi.json", "")
	if res.status != 200 || string(res.body) != string(openAPI) {
		t.Errorf("/openapi.json: %d, %d bytes", res.status, len(res.body))
	}
}

// TestOpenAPIResponses checks what openapi.json says against what the server sends: every
// keyed route documents the guard's 401, 403 and 429; the upload documents its 409, 501 and 503;
// and the upload and readiness bodies list exactly the fields of their Go types.
func TestOpenAPIResponses(t *testing.T) {
	type schema struct {
		Ref        string                     `json:"$ref"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema schema `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	d := realDeps(t)
	d.Metrics = NewMetrics()
	for _, rt := range routes(&d) {
		if rt.public {
			continue
		}
		op := doc.Paths[strings.ReplaceAll(rt.path, "...}", "}")][strings.ToLower(rt.method)]
		for _, code := range []string{"401", "403", "429"} {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s %s: no %s response, which the key check and rate limit send", rt.method, rt.path, code)
			}
		}
	}
	upload := doc.Paths["/v1/documents"]["post"]
	for _, code := range []string{"409", "501", "503"} {
		if _, ok := upload.Responses[code]; !ok {
			t.Errorf("POST /v1/documents: no %s response (managed_by_folder, uploads_disabled, busy)", code)
		}
	}

	fields := func(v any) []string {
		var out []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	keys := func(m map[string]json.RawMessage) []string {
		out := slices.Collect(maps.Keys(m))
		slices.Sort(out)
		return out
	}
	if got, want := keys(doc.Components.Schemas["UploadResult"].Properties), fields(uploadResult{}); !slices.Equal(got, want) {
		t.Errorf("UploadResult documents %q; the server sends %q", got, want)
	}
	ready := doc.Paths["/readyz"]["get"].Responses["200"].Content["application/json"].Schema
	if got, want := keys(ready.Properties), fields(readiness{}); !slices.Equal(got, want) {
		t.Errorf("/readyz documents %q; the server sends %q", got, want)
	}
}
