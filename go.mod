module github.com/wenda-dev/wenda

go 1.26.8

require (
	github.com/go-ego/gse v0.80.3
	github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1
	github.com/philippgille/chromem-go v0.7.0
	github.com/sashabaranov/go-openai v1.43.0
	github.com/yuin/goldmark v1.8.7
	golang.org/x/net v0.62.0
	golang.org/x/text v0.44.0
)

require golang.org/x/sys v0.50.0

require github.com/vcaesar/cedar v0.20.2 // indirect
