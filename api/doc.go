// Package api is wenda's HTTP front end: the native question and search endpoints, an
// OpenAI-compatible chat completions endpoint, document upload and management, health and
// readiness probes, Prometheus metrics and the OpenAPI description.
//
// NewServer builds the whole handler from Deps, whose fields are small interfaces declared here,
// so tests drive it with fakes. Every route is listed once, in routes.go; that table also checks
// the OpenAPI document. The package imports rag (questions, search, the document store) and
// ingest (uploads), and nothing that talks to the network.
package api
