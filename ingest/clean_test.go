package ingest

import "testing"

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"whitespace", "  第一行\t有  空格 \r\n\r\n\r\n\u3000第二行\u200b\n", "第一行 有 空格\n\n第二行"},
		{"drops trailing page furniture", longText + "\n\n我要回帖\n\n更多关于 数字化智能化 的文章\n\n \n\n随机推荐\n", longText},
		{"keeps a short note whole", "会议纪要\n\n周一开会\n\n带电脑", "会议纪要\n\n周一开会\n\n带电脑"},
		{"keeps a final sentence", longText + "\n谢谢。", longText + "\n谢谢。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean() = %q, want %q", got, tt.want)
			}
		})
	}
}

const longText = "据全球多家研究机构数据,一般企业数字化转型的失败率超过80%。我国有业内人士认为,中国企业数字化转型失败率在90%以上。" +
	"居高不下的失败率数据足见数字化转型之难。那么,数字化转型难在哪里呢?"
