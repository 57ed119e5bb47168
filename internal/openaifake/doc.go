// Package openaifake is an httptest fake of the OpenAI-compatible API, shared by the tests of
// every package that talks to an LLM or a remote embedding model. It serves embeddings and chat
// completions (plain and streamed), records every request, and fails on demand from a scripted
// queue. It imports only the standard library.
package openaifake
