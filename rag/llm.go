package rag

import "context"

// ChatMessage is one message of a chat completion request.
type ChatMessage struct {
	Role    string // "system", "user" or "assistant"
	Content string
}

// ChatModel is an OpenAI-compatible chat model.
type ChatModel interface {
	// Complete sends msgs and returns the whole reply. When onDelta is non-nil the reply is
	// streamed and each piece is passed to onDelta as it arrives, before Complete returns; the
	// pieces concatenate to the returned text. Complete honours ctx's deadline and returns an
	// error (never an empty reply) when the model fails.
	Complete(ctx context.Context, msgs []ChatMessage, onDelta func(string)) (string, error)
}
