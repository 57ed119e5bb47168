package loaders

// loadMarkdown reads Markdown as plain text until heading-aware parsing lands.
func loadMarkdown(name string, data []byte, b *budget) ([]Document, error) {
	return loadText(name, data, b)
}
