package rag_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wenda-dev/wenda/ingest"
	"github.com/wenda-dev/wenda/rag"
)

// TestPlaceNamedByThePassage: a passage that names a place once speaks of it in its other
// sentences too, unless a sentence or its subject names another region.
func TestPlaceNamedByThePassage(t *testing.T) {
	store := storeOf(t, map[string]string{
		"工业区.txt": "瑞芳工业区与树林工业区均位于新北市,由政府开发。新北市是台湾人口最多的城市。\n",
		"规划.txt":  "广东省“十四五”期间,推进数字产业化发展。到2025年,全省灯塔工厂超过5家。江苏省也在推进智能制造。\n",
	})
	e := extractiveEngine(store)
	checkAnswers(t, e, []answerCase{
		{"瑞芳工业区位于台湾哪个县市", false, []string{"新北市"}},
		// The passage names 江苏, but the sentence's subject is 广东.
		{"江苏到2025年灯塔工厂有多少家", true, nil},
	})
}

// TestDomesticIsChina: 国内 and 我国 ask about China, as documents written there call it: a
// sentence about another country does not answer, and the reply names the place as asked.
func TestDomesticIsChina(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{
		{"国内第一款数字疗法是哪个", true, []string{"“国内”"}},
		{"国内有多少家企业涉足数字疗法", false, []string{"近百家"}},
		{"我国数字疗法2021年市场规模多大", false, []string{"3亿美元"}},
	})
}

// storeOf indexes docs (file name → text) in a new store.
func storeOf(t *testing.T, docs map[string]string) *rag.Store {
	t.Helper()
	dir := t.TempDir()
	for name, text := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	store, err := rag.OpenStore(context.Background(), t.TempDir(), rag.LocalEmbedder{}, rag.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := (&ingest.Ingester{Store: store}).Sync(context.Background(), dir); err != nil || rep.Err() != nil {
		t.Fatalf("sync: %v %v", err, rep.Err())
	}
	return store
}

// TestTaiwanWording: a question in Taiwan's wording finds documents written in the mainland's
// (數位 for 数字), and documents that write Taiwan's wording are asked in it.
func TestTaiwanWording(t *testing.T) {
	checkAnswers(t, extractiveEngine(sharedSample(t)), []answerCase{
		{"數位療法是什麼", false, []string{"循证医学"}},
	})
	e := extractiveEngine(storeOf(t, map[string]string{
		"软体.txt": "微軟是一家美國跨國科技公司,以研發、製造、授權和提供廣泛的電腦軟體服務業務為主。\n",
		"软件.txt": "软件开发是根据用户要求建造出软件系统的过程。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"微軟以哪些軟體服務業務為主", false, []string{"授權"}},
	})
}

// TestEachPlaceAnswersForItself: asked what several provinces each do, every province's plan
// answers for its own, and a province the documents say nothing of is told so by name.
func TestEachPlaceAnswersForItself(t *testing.T) {
	e := extractiveEngine(sharedSample(t))
	checkAnswers(t, e, []answerCase{
		{"广东和江苏的灯塔工厂目标分别是多少", false, []string{"超过5家", "【江苏】"}},
		{"江苏和浙江分别要建设什么", false, []string{"江苏", "浙江"}},
	})
}

// TestAnalogyIsNoSubject: a country named in a comparison ("类似西班牙大流感") does not make a
// sentence about that country.
func TestAnalogyIsNoSubject(t *testing.T) {
	e := extractiveEngine(storeOf(t, map[string]string{
		"疫情.txt": "本次疫情知道疫苗出现才可能画上休止符,历时可能类似西班牙大流感,需要3年时间,这天然的构成了高科技超车的窗口期。\n" +
			"美国制造业回归喊了几年了。国内企业的发展也发生了明显的变化。\n",
	}))
	checkAnswers(t, e, []answerCase{
		{"为什么这次疫情构成了中国高科技超车的窗口期", false, []string{"3年时间"}},
	})
}
