// Package bot is wenda's Telegram front end: it receives updates by long polling (or a webhook
// on wenda's HTTP server), answers questions through a rag.Asker with a short list of the cited
// sources, keeps one conversation per chat, and lets admins add documents by sending them.
//
// It is the only package that imports telegram-bot-api, and only through the narrow telegram
// interface in api.go, so the library (unreleased since 2021) can be replaced in one place. It may
// import rag, ingest (for uploads) and prompts (language detection); nothing imports it but cmd.
//
// Everything the bot says to people is in messages.go, in Chinese and English.
package bot
