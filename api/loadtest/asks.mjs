// Asks every question of the labelled answer sets, one at a time, three times over, against a
// running `wenda serve`, and prints the latency of /v1/ask as a client sees it (median, p90,
// mean). Usage (docs/answering.md):
//   WENDA_RATE_LIMIT=0 WENDA_LOG_LEVEL=warn WENDA_ADDR=127.0.0.1:18082 wenda --knowledge sample-knowledge serve &
//   node api/loadtest/asks.mjs http://127.0.0.1:18082 testdata/answers/sample-dev.jsonl testdata/answers/sample-heldout.jsonl
import { readFileSync } from "node:fs";

const [base, ...files] = process.argv.slice(2);
const questions = files.flatMap((f) =>
  readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).question));

async function ask(question) {
  const t = performance.now();
  const res = await fetch(`${base}/v1/ask`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ question }),
  });
  await res.text();
  if (!res.ok) throw new Error(`${res.status} for ${question}`);
  return performance.now() - t;
}

for (const q of questions.slice(0, 5)) await ask(q); // the first question loads the dictionary
const ms = [];
for (let rep = 0; rep < 3; rep++) for (const q of questions) ms.push(await ask(q));
ms.sort((a, b) => a - b);
const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
console.log(`n=${ms.length} median=${ms[ms.length >> 1].toFixed(2)}ms p90=${ms[Math.floor(ms.length * 0.9)].toFixed(2)}ms mean=${mean.toFixed(2)}ms`);
