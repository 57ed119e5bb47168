package bot

import (
	"strings"

	"github.com/wenda-dev/wenda/prompts"
)

// lang is the language of a reply: the question's, detected by prompts.Detect.
type lang = prompts.Lang

// messages holds every sentence the bot says, in Chinese and English. They live here rather
// than in prompts/templates because they are Telegram's UI (commands, refusals), not text the
// answer pipeline renders. Values with %s or %d are fmt formats.
var messages = map[lang]map[string]string{
	prompts.Chinese: {
		"start": "你好!我是问答机器人,根据知识库里的文档回答问题,并注明出处。\n\n" +
			"知识库现有 %d 篇文档%s\n\n直接发问题给我即可,例如:\n%s\n\n" +
			"命令:/new 开始新对话,/sources 查看上一个回答的完整出处,/help 查看帮助。",
		"start_titles":    ",包括:\n%s",
		"start_empty":     "知识库现在还是空的,管理员可以把文档发给我来添加。",
		"sample_question": "《%s》主要讲了什么?",
		"help": "直接发问题给我,我会根据知识库回答,并在答案下面列出引用的来源。后续追问会接着上文理解。\n\n" +
			"/new 或 /reset:开始新对话,忘掉之前的问题\n/sources:上一个回答的完整出处和原文片段\n" +
			"/ask 问题:在群里提问(群里也可以 @我 或回复我的消息)\n/help:显示这段帮助",
		"help_admin":         "\n\n你是管理员:把文档(%s 以内)发给我,就会加入知识库。",
		"new":                "好的,已开始新对话。",
		"no_sources":         "还没有可以显示出处的回答。先问我一个问题吧。",
		"sources_heading":    "来源",
		"sources_full":       "上一个回答的来源",
		"page":               "第 %d 页",
		"empty_answer":       "(没有回答)",
		"not_allowed":        "抱歉,这个机器人只对受邀的用户开放。",
		"rate_limited":       "你问得太快了,请稍等一会儿再问。",
		"busy":               "我还在回答这里之前的问题,请稍后再问。",
		"ask_usage":          "请在 /ask 后面写上问题,例如:/ask 数字化转型的难点是什么?",
		"unknown_command":    "不认识这个命令。发送 /help 查看可用的命令。",
		"err_too_long":       "问题太长了,请精简到 2000 字以内。",
		"err_empty":          "没看懂这个问题,请用文字提问。",
		"err_timeout":        "这个问题回答得太久了,请稍后再试或换个问法。",
		"err_internal":       "抱歉,出了点问题,没能回答。请稍后再试。",
		"upload_forbidden":   "只有管理员可以添加文档。想提问的话,直接发文字给我。",
		"upload_too_large":   "文件太大了(上限 %s),没有添加。",
		"upload_type":        "不支持这种文件格式(%s),没有添加。",
		"upload_failed":      "没能添加《%s》:%s",
		"upload_download":    "没能下载这个文件,请稍后再试。",
		"upload_ok":          "已添加《%s》:新增 %d 篇文档,更新 %d 篇,写入 %d 个片段。",
		"upload_same":        "《%s》的内容知识库里已经有了,没有变化。",
		"reason_unsupported": "不支持的文件格式",
		"reason_binary":      "不是文本文件",
		"reason_encoding":    "无法识别文字编码",
		"reason_too_large":   "文件展开后太大",
		"reason_no_text":     "没有可提取的文字",
		"reason_timeout":     "解析超时",
		"reason_corrupt":     "文件损坏或不完整",
		"reason_encrypted":   "文件已加密",
		"reason_internal":    "内部错误,详情已记录在日志里",
	},
	prompts.English: {
		"start": "Hello! I answer questions from the documents in my knowledge base and cite my sources.\n\n" +
			"The knowledge base holds %d documents%s\n\nJust send me a question, for example:\n%s\n\n" +
			"Commands: /new starts a new conversation, /sources shows the full sources of the last answer, /help shows help.",
		"start_titles":    ", including:\n%s",
		"start_empty":     "The knowledge base is empty for now; an admin can add documents by sending them to me.",
		"sample_question": "What is \"%s\" about?",
		"help": "Send me a question and I will answer from the knowledge base, listing the sources I used under the answer. Follow-up questions build on the previous ones.\n\n" +
			"/new or /reset: start a new conversation\n/sources: full sources of the last answer, with the passages\n" +
			"/ask question: ask in a group (or mention me, or reply to my message)\n/help: show this help",
		"help_admin":         "\n\nYou are an admin: send me a document (up to %s) and I will add it to the knowledge base.",
		"new":                "OK, starting a new conversation.",
		"no_sources":         "There is no answer to show sources for yet. Ask me a question first.",
		"sources_heading":    "Sources",
		"sources_full":       "Sources of the last answer",
		"page":               "p. %d",
		"empty_answer":       "(no answer)",
		"not_allowed":        "Sorry, this bot is only open to invited users.",
		"rate_limited":       "You are asking too fast; please wait a moment.",
		"busy":               "I am still answering earlier questions here; please ask again shortly.",
		"ask_usage":          "Please put a question after /ask, for example: /ask Why is digital transformation hard?",
		"unknown_command":    "I don't know that command. Send /help to see what I can do.",
		"err_too_long":       "The question is too long; please keep it under 2000 characters.",
		"err_empty":          "I could not find a question in that; please ask in words.",
		"err_timeout":        "That took too long to answer; please try again later or rephrase.",
		"err_internal":       "Sorry, something went wrong and I could not answer. Please try again later.",
		"upload_forbidden":   "Only admins can add documents. To ask something, just send me text.",
		"upload_too_large":   "The file is too large (the limit is %s); nothing was added.",
		"upload_type":        "That file format (%s) is not supported; nothing was added.",
		"upload_failed":      "Could not add \"%s\": %s",
		"upload_download":    "Could not download the file; please try again later.",
		"upload_ok":          "Added \"%s\": %d new documents, %d updated, %d passages written.",
		"upload_same":        "The knowledge base already has the content of \"%s\"; nothing changed.",
		"reason_unsupported": "unsupported file format",
		"reason_binary":      "not a text file",
		"reason_encoding":    "unknown text encoding",
		"reason_too_large":   "the file expands to too much text",
		"reason_no_text":     "no text to extract",
		"reason_timeout":     "reading it took too long",
		"reason_corrupt":     "the file is corrupt or truncated",
		"reason_encrypted":   "the file is encrypted",
		"reason_internal":    "an internal error (details are in the log)",
	},
}

// msg returns the bot string key in l, falling back to Chinese.
func msg(l lang, key string) string {
	if m, ok := messages[l]; ok {
		if s, ok := m[key]; ok {
			return s
		}
	}
	return messages[prompts.Chinese][key]
}

// detect returns the language to reply to text in; for text without letters (a bare command)
// the user's Telegram language decides, Chinese when unknown.
func detect(text, languageCode string) lang {
	letters := false
	for _, r := range text {
		if r > 0x7f || (r|0x20 >= 'a' && r|0x20 <= 'z') {
			letters = true
			break
		}
	}
	if letters && !strings.HasPrefix(strings.TrimSpace(text), "/") {
		return prompts.Detect(text)
	}
	if languageCode == "" || strings.HasPrefix(languageCode, "zh") {
		return prompts.Chinese
	}
	return prompts.English
}
