package api

import (
	"encoding/json"
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
