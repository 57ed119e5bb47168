package bot

import (
	"fmt"
	goldenfile "github.com/wenda-dev/wenda/internal/golden"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wenda-dev/wenda/prompts"
	"github.com/wenda-dev/wenda/rag"
)

// golden compares got with testdata/name (see internal/golden).
func golden(t *testing.T, name, got string) {
	goldenfile.Check(t, filepath.Join("testdata", name), got)
}

func dumpPieces(pieces []string) string {
	var b strings.Builder
	for i, p := range pieces {
		fmt.Fprintf(&b, "=== piece %d: %d UTF-16 units, %d runes\n%s\n", i+1, utf16Len(p), utf8.RuneCountInString(p), p)
	}
	return b.String()
}

// checkPieces verifies the splitting invariants: every piece fits, is valid UTF-8 (no split
// surrogate pair or rune), and together they hold every non-space character in order.
func checkPieces(t *testing.T, in string, pieces []string, limit int) {
	t.Helper()
	for i, p := range pieces {
		if n := utf16Len(p); n > limit {
			t.Errorf("piece %d has %d UTF-16 units, limit %d", i, n, limit)
		}
		if !utf8.ValidString(p) {
			t.Errorf("piece %d is not valid UTF-8", i)
		}
		if p == "" {
			t.Errorf("piece %d is empty", i)
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if got, want := squash(strings.Join(pieces, "")), squash(in); got != want {
		t.Errorf("pieces lose or reorder text:\n got %q\nwant %q", got, want)
	}
}

var (
	cjkLong  = strings.Repeat("据全球多家研究机构数据,一般企业数字化转型的失败率超过80%。我国有业内人士认为,中国企业数字化转型失败率在90%以上[1]。", 8)
	emojiRun = strings.Repeat("👍🏽👨‍👩‍👧‍👦🇨🇳", 12)
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
	}{
		{"short", "一句话就够了。", 4096},
		{"paragraphs", "第一段,说明背景。\n\n第二段,讲出数字:增长 7.88%;下降 3.5%。\n\n第三段 English paragraph. It has sentences! Does it?", 40},
		{"cjk_sentences", cjkLong, 100},
		{"no_line_breaks_numbers", strings.Repeat("增长率为7.88%,", 30), 64},
		{"emoji_hard_cut", emojiRun, 25},
		{"emoji_in_cjk", strings.Repeat("数字疗法🧠是新的治疗方式💊。", 20), 45},
		{"english", strings.Repeat("Digital transformation is hard. Most projects fail, according to surveys by 3.5 firms. ", 10), 120},
		{"long_answer_4096", strings.Repeat(cjkLong+"\n\n", 12), MaxMessageUnits},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pieces := splitText(tc.in, tc.limit)
			checkPieces(t, tc.in, pieces, tc.limit)
			golden(t, "split_"+tc.name+".txt", dumpPieces(pieces))
		})
	}
}

func TestSplitTextNeverBreaksSurrogates(t *testing.T) {
	// Every limit from 1 to 40 over text mixing 1-, 2- and 4-byte runes and 2-unit emoji.
	in := "a中😀b" + emojiRun + "。数字 7.88%;" + strings.Repeat("𠀋", 9)
	for limit := 2; limit <= 40; limit++ {
		checkPieces(t, in, splitText(in, limit), limit)
	}
}

func TestSplitPrefersBoundaries(t *testing.T) {
	tests := []struct {
		name, in  string
		limit     int
		wantFirst string
	}{
		{"paragraph", "第一段第一句。第一段第二句。\n\n第二段。", 18, "第一段第一句。第一段第二句。"},
		{"sentence", "第一句话说完了。第二句话还很长很长很长很长。", 16, "第一句话说完了。"},
		{"number_dot_not_a_sentence", "增长率为7.88%左右 然后继续说下去", 12, "增长率为7.88%左右"},
		{"citation_stays", "失败率超过80%。[1]后面还有很多很多很多的话。", 14, "失败率超过80%。[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := splitText(tc.in, tc.limit)
			if len(got) < 2 || got[0] != tc.wantFirst {
				t.Errorf("splitText(%q, %d) = %q, want first piece %q", tc.in, tc.limit, got, tc.wantFirst)
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"abc", 3}, {"中文", 2}, {"😀", 2}, {"👨‍👩‍👧", 8}, {"𠀋", 2}, {"\xff", 1},
	}
	for _, tc := range tests {
		if got := utf16Len(tc.in); got != tc.want {
			t.Errorf("utf16Len(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func dumpMessages(out []outMessage) string {
	var b strings.Builder
	for i, m := range out {
		fmt.Fprintf(&b, "=== message %d (%d UTF-16 units visible)\n--- html\n%s\n--- plain\n%s\n", i+1, utf16Len(m.Plain), m.HTML, m.Plain)
	}
	return b.String()
}

func TestRenderAnswer(t *testing.T) {
	sources := []rag.Source{
		{N: 1, DocID: "a.md", Title: "R&D <notes>", Section: []string{"Intro", "Goals"}, Page: 0, ChunkID: "a.md#0"},
		{N: 2, DocID: "b.pdf", Title: "报告", Page: 7, URL: "https://example.com/r?a=1&b=\"2\"", ChunkID: "b.pdf#3"},
		{N: 3, DocID: "c.txt", Title: "Never cited", ChunkID: "c.txt#1"},
		{N: 4, DocID: "d.txt", Title: "", Source: "d.txt", URL: "javascript:alert(1)", ChunkID: "d.txt#0"},
	}
	tests := []struct {
		name string
		ans  rag.Answer
		lang lang
		lim  int
	}{
		{"escaping_and_sources", rag.Answer{Text: "Use <b> & 5 > 3 [1]. 增长 7.88%[2]. Also see [4].", Sources: sources}, prompts.English, MaxMessageUnits},
		{"zh_abstain", rag.Answer{Text: "知识库中没有关于“盛世笔特”的信息,无法据此回答这个问题。\n资料中与此相关的内容有:\n- 打造城市大脑。[2]", Abstained: true, Sources: sources}, prompts.Chinese, MaxMessageUnits},
		{"no_citations", rag.Answer{Text: "知识库是空的。", Sources: sources}, prompts.Chinese, MaxMessageUnits},
		{"sources_overflow", rag.Answer{Text: strings.Repeat("很长的回答[1][2]。", 7), Sources: sources}, prompts.Chinese, 80},
		{"long_split", rag.Answer{Text: strings.Repeat(cjkLong+emojiRun+"\n\n", 3), Sources: sources[:1]}, prompts.Chinese, 700},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := renderAnswer(&tc.ans, tc.lang, tc.lim)
			for i, m := range out {
				if n := utf16Len(m.Plain); n > tc.lim {
					t.Errorf("message %d: %d units > %d", i, n, tc.lim)
				}
				if !validHTML(m.HTML) {
					t.Errorf("message %d: invalid HTML %q", i, m.HTML)
				}
				// The plain form spells out link addresses, so it is never shorter than what the
				// HTML shows; both must fit.
				if n := utf16Len(stripTags(m.HTML)); n > tc.lim || n > utf16Len(m.Plain) {
					t.Errorf("message %d: HTML shows %d units, plain %d, limit %d", i, n, utf16Len(m.Plain), tc.lim)
				}
			}
			all := dumpMessages(out)
			if strings.Contains(all, "Never cited") {
				t.Errorf("an uncited source is listed")
			}
			if strings.Contains(all, "javascript:") && strings.Contains(all, `href="javascript`) {
				t.Errorf("a non-web URL became a link")
			}
			golden(t, "render_"+tc.name+".txt", all)
		})
	}
}

func TestRenderSources(t *testing.T) {
	ans := &rag.Answer{Text: "x [1]", Sources: []rag.Source{
		{N: 2, Title: "二", ChunkID: "b#1", Text: "第二个片段 <raw> & more"},
		{N: 1, Title: "一", ChunkID: "a#0", Section: []string{"章", "节"}, Text: strings.Repeat("很长的片段。", 80)},
	}}
	out := renderSources(ans, prompts.Chinese, MaxMessageUnits)
	for i, m := range out {
		if !validHTML(m.HTML) || stripTags(m.HTML) != m.Plain {
			t.Errorf("message %d: bad HTML %q", i, m.HTML)
		}
	}
	golden(t, "sources.txt", dumpMessages(out))
}
