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
		// Short closing lines are content unless they are provably furniture.
		{"keeps a closing list", longText + "\n\n已获批的产品:\nSomryst 失眠\nreSET 药物滥用\nEndeavorRx 多动症\nFreeSpira 惊恐障碍",
			longText + "\n\n已获批的产品:\nSomryst 失眠\nreSET 药物滥用\nEndeavorRx 多动症\nFreeSpira 惊恐障碍"},
		{"keeps a closing table", longText + "\n型号 | 价格\nA1 | 100\nB2 | 200", longText + "\n型号 | 价格\nA1 | 100\nB2 | 200"},
		{"keeps a short sign-off", longText + "\n\n此致\n敬礼\n张三", longText + "\n\n此致\n敬礼\n张三"},
		{"keeps a short English list", longText + "\n\nSee also\nGE Predix\nMidea M.IoT", longText + "\n\nSee also\nGE Predix\nMidea M.IoT"},
		{"keeps text under a furniture heading", longText + "\n\n相关阅读\n" + longText, longText + "\n\n相关阅读\n" + longText},
		{"keeps furniture words mid-text", "我要回帖\n" + longText, "我要回帖\n" + longText},
		{"keeps a text of furniture only", "随机推荐\n\n我要回帖", "随机推荐\n\n我要回帖"},
		{"drops a link list", longText + "\n\n相关文章:\n数字化转型难在哪里?\n美的的数字化之路\n\nhttps://example.com/a\n分享到",
			longText},
		{"drops English furniture", longText + "\n\nShare this\nRelated posts\nHow GE lost its way\nWhy Predix failed\nBack to top", longText},
		{"drops prev/next links", longText + "\n上一篇:数字孪生城市\n下一篇: 城市大脑", longText},
		{"keeps a list above the furniture", longText + "\n\n产品:\nSomryst 失眠\nreSET 药物滥用\n\n我要回帖\n\n随机推荐\n美的的数字化之路",
			longText + "\n\n产品:\nSomryst 失眠\nreSET 药物滥用"},
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
