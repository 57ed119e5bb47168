package rag

import "testing"

// Scripts and widths fold before indexing and searching (foldRune): a Traditional question
// finds a Simplified passage and the other way round, and full-width letters, digits and
// punctuation match their half-width forms. Each query shares no character with its passage
// as written, so without folding it finds nothing.
func TestRetrievalFoldsScriptsAndWidths(t *testing.T) {
	s := openTest(t, t.TempDir())
	put(t, s,
		testDoc("simplified.txt", "电视机的价钱逐年下降。"),
		testDoc("traditional.txt", "颱風過後,鐵軌陸續修復。"),
		testDoc("halfwidth.txt", "WiFi 6E and 5G: 3.5GHz, (n78)."),
		testDoc("fullwidth.txt", "ＡＰＰ下载：ｖ２．１版本"),
		testDoc("other.txt", "今天天气很好,适合出门散步。"),
	)
	for _, tt := range []struct{ query, want string }{
		{"電視機價錢", "simplified.txt"},  // Traditional query, Simplified passage
		{"台风铁轨", "traditional.txt"},  // Simplified query, Traditional passage
		{"Ｗｉｆｉ　６Ｅ", "halfwidth.txt"}, // full-width query, half-width passage
		{"５Ｇ（Ｎ７８）", "halfwidth.txt"},
		{"app v2.1", "fullwidth.txt"}, // half-width query, full-width passage
	} {
		for _, mode := range []Mode{LexicalOnly, Hybrid} {
			got, err := Searcher{Store: s, Mode: mode}.Retrieve(t.Context(), tt.query, 3)
			if err != nil {
				t.Fatalf("%s: %v", tt.query, err)
			}
			if len(got) == 0 || got[0].DocID != tt.want {
				t.Errorf("%s (mode %d): top hit %v, want %s", tt.query, mode, docIDs(got), tt.want)
			}
		}
	}
}
