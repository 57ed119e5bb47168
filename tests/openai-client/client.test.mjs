// Drives wenda's OpenAI-compatible endpoint with the official openai npm client.
// Run by TestOpenAIClient in cmd/wenda, which starts `wenda serve` over sample-knowledge/ and sets
// WENDA_BASE_URL (e.g. http://127.0.0.1:PORT/v1) and WENDA_API_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const baseURL = process.env.WENDA_BASE_URL;
const apiKey = process.env.WENDA_API_KEY || 'unused';
if (!baseURL) throw new Error('set WENDA_BASE_URL to the server, e.g. http://127.0.0.1:8080/v1');

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });

const question = '数字化转型的失败率是多少';

test('lists the wenda model', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids, ['wenda']);
});

test('non-stream completion answers from the sample corpus with sources', async () => {
  const c = await client.chat.completions.create({
    model: 'wenda',
    messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: question }],
  });
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.model, 'wenda');
  assert.equal(c.choices.length, 1);
  assert.equal(c.choices[0].message.role, 'assistant');
  assert.equal(c.choices[0].finish_reason, 'stop');
  assert.match(c.choices[0].message.content, /80%/);
  assert.equal(c.wenda.abstained, false);
  assert.ok(c.wenda.sources.length > 0, 'sources in the wenda field');
  assert.match(c.wenda.sources[0].doc_id, /数字化转型/);
  assert.match(c.choices[0].message.content, /\[1\]/);
});

test('streamed content concatenates to the answer, the last chunk carries sources', async () => {
  const stream = await client.chat.completions.create({
    model: 'wenda',
    stream: true,
    messages: [{ role: 'user', content: question }],
  });
  let text = '';
  let chunks = 0;
  let last;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    text += chunk.choices[0]?.delta?.content ?? '';
    last = chunk;
  }
  assert.ok(chunks >= 2, `got ${chunks} chunks`);
  assert.match(text, /80%/);
  assert.equal(last.choices[0].finish_reason, 'stop');
  assert.ok(last.wenda.sources.length > 0);
});

test('a follow-up turn uses the earlier exchange', async () => {
  const first = await client.chat.completions.create({
    model: 'wenda',
    messages: [{ role: 'user', content: '广东省的数字化转型规划是什么?' }],
  });
  const followUp = await client.chat.completions.create({
    model: 'wenda',
    messages: [
      { role: 'user', content: '广东省的数字化转型规划是什么?' },
      { role: 'assistant', content: first.choices[0].message.content },
      { role: 'user', content: [{ type: 'text', text: '那浙江呢?' }] },
    ],
  });
  const answer = followUp.choices[0].message.content;
  assert.match(answer, /浙江/, answer);
  assert.equal(followUp.wenda.abstained, false, answer);
  assert.ok(followUp.wenda.sources.length > 0);
  assert.ok(followUp.wenda.query, 'the follow-up was rewritten into a standalone query');
});

test('a wrong key is refused with an authentication error', { skip: !process.env.WENDA_API_KEY }, async () => {
  const bad = new OpenAI({ baseURL, apiKey: 'wrong-key', maxRetries: 0 });
  await assert.rejects(
    bad.chat.completions.create({ model: 'wenda', messages: [{ role: 'user', content: question }] }),
    (err) => err.status === 401 && err.error?.code === 'unauthorized',
  );
});

test('an empty question is a 400 with code bad_question', async () => {
  await assert.rejects(
    client.chat.completions.create({ model: 'wenda', messages: [{ role: 'user', content: '  ' }] }),
    (err) => err.status === 400 && err.error?.code === 'bad_question',
  );
});
