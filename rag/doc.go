// Package rag is wenda's retrieval-augmented answering core: the chunk store (chromem-go vectors
// plus atomically written segment files), the BM25 keyword index, hybrid retrieval, the answerers
// and the question pipeline that ties them together. It imports config-free libraries only:
// chromem-go and go-openai live here and nowhere else, behind the Embedder, Retriever and Answerer
// interfaces. Phrasing comes from package prompts.
package rag
