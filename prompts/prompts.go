// Package prompts holds every sentence wenda says to people and to language models, in Chinese
// and English, as embedded text/template files, so wording is reviewed in one place and tested
// by golden files. It imports only the standard library.
package prompts

import (
	"embed"
	"fmt"
	"strings"
	"text/template"
	"unicode"
)

// Lang is a reply language.
type Lang string

// Supported languages. Chinese is the default for text with any Han characters.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

//go:embed templates/*.tmpl
var files embed.FS

var templates = map[Lang]*template.Template{
	Chinese: template.Must(template.New("zh").Funcs(funcs).ParseFS(files, "templates/zh.tmpl", "templates/llm_zh.tmpl")),
	English: template.Must(template.New("en").Funcs(funcs).ParseFS(files, "templates/en.tmpl", "templates/llm_en.tmpl")),
}

var funcs = template.FuncMap{
	"join":           strings.Join,
	"add":            func(a, b int) int { return a + b },
	"fence":          Fence,
	"oneline":        func(s string) string { return Fence(strings.Join(strings.Fields(s), " ")) },
	"noAnswerMarker": func() string { return NoAnswerMarker },
}

// NoAnswerMarker is what the answering prompt tells the model to write on its first line when
// the documents do not answer the question. It is ASCII and unlike any answer's opening, so the
// caller can recognise it in the first few streamed characters and replace it with no_answer.
const NoAnswerMarker = "NO_ANSWER"

// Block is one numbered passage of the context the llm_user prompt gives the model.
type Block struct {
	N       int
	Title   string
	Source  string
	Section []string // heading path, outermost first
	Page    int      // 1-based, 0 when unknown
	Text    string
}

// fenceReplacer breaks up the context delimiters. Each "<<<" or ">>>" becomes spaced, and no
// longer run can re-form one: the replacer scans left to right without overlap.
var fenceReplacer = strings.NewReplacer("<<<", "< < <", ">>>", "> > >")

// Fence neutralises the delimiters that open and close a context block ("<<<", ">>>") in text
// that goes inside one, so a document cannot close its block and speak outside it. The
// templates apply it to every piece of document text and to the question.
func Fence(text string) string { return fenceReplacer.Replace(text) }

// Detect returns the language to answer text in: Chinese when at least a fifth of its letters
// are Han characters (a Chinese question that names "GDP" or "DTx" is still Chinese), else
// English.
func Detect(text string) Lang {
	var han, letters int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if han > 0 && han*5 >= letters {
		return Chinese
	}
	return English
}

// Render executes the named template in lang, e.g. Render(Chinese, "no_answer", data).
func Render(lang Lang, name string, data any) (string, error) {
	t := templates[lang]
	if t == nil {
		t = templates[English]
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render prompt %s/%s: %w", lang, name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Names lists the templates every language must define; the tests check that each does.
var Names = []string{"no_answer", "no_answer_terms", "near_miss", "near_miss_intro", "no_answer_other_language", "related_intro", "empty_index", "sources_heading",
	"llm_system", "llm_user", "llm_open_system", "llm_open_user", "general_knowledge_label",
	"rewrite_system", "rewrite_user", "translate_system", "translate_user"}
