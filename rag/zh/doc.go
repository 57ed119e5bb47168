// Package zh knows the two things about written Chinese that retrieval and answering need:
// that one text may be written in Traditional or Simplified characters (Fold maps a character
// to its Simplified form, so 甘肅 and 甘肃 index alike), and that words are not separated by
// spaces (Segment cuts a question into dictionary words, so that "这么难" is read as 这么/难 and
// not as the fragment "么难").
//
// The segmenter is go-ego/gse with a trimmed copy of its jieba-derived dictionary (dict.txt),
// loaded on first use. Both data files are rebuilt by ./gen; DATA.md records their sources and
// licences. The package imports only the standard library and gse.
package zh
