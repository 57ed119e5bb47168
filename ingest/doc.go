// Package ingest turns files into indexed documents: it reads files and folders, extracts text
// with package loaders, cleans it, splits it into sentence-aligned chunks and writes them through
// rag.Store. It also keeps a knowledge folder in sync with the index. It imports rag and
// ingest/loaders; nothing in it talks to the network.
package ingest
