/**
 * `ftrag shadow` at scale: RECORDS (default 10,000) Bedrock invocation log records (Converse, gzip JSON lines in
 * Bedrock's S3 key layout, on local disk) replayed through a base-model candidate on the embedded emulator with
 * latency profile none, no cache, the config's concurrency (CONCURRENCY, default 16). Prints one JSON line: wall time
 * of the whole command (read logs, replay, compare, write run.json and reports), the replay alone, and peak RSS.
 *
 *   node --import tsx bench/shadow.bench.ts                 # 10,000 records
 *   RECORDS=1000 node --import tsx bench/shadow.bench.ts    # quick
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { runShadow } from '../src/shadow/run.js';

const RECORDS = Number(process.env.RECORDS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const MODEL = 'amazon.nova-micro-v1:0';
const topics = ['the pool', 'the library', 'the clinic', 'the depot', 'the market', 'the museum', 'the school', 'the theater'];

function record(i: number): string {
  const topic = topics[i % topics.length];
  const prompt = `${topic} opens at ${6 + (i % 6)} am and has ${10 + (i % 40)} staff. How many staff does ${topic} have?`;
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: new Date(Date.UTC(2026, 10, 30, 8) + i * 3_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    accountId: '123456789012',
    region: 'us-east-1',
    requestId: `bench-${i}`,
    operation: 'Converse',
    modelId: MODEL,
    input: { inputContentType: 'application/json', inputBodyJson: { messages: [{ role: 'user', content: [{ text: prompt }] }], inferenceConfig: { maxTokens: 64, temperature: 0 } }, inputTokenCount: 30 },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: `${10 + (i % 40)} staff.` }] } }, stopReason: 'end_turn', usage: { inputTokens: 30, outputTokens: 3 }, metrics: { latencyMs: 250 } },
      outputTokenCount: 3,
    },
  });
}

const work = mkdtempSync(join(tmpdir(), 'ftrag-shadow-bench-'));
try {
  const logs = join(work, 'logs', 'AWSLogs', '123456789012', 'BedrockModelInvocationLogs', 'us-east-1', '2026', '11', '30');
  const perFile = 500;
  for (let f = 0; f * perFile < RECORDS; f++) {
    const dir = join(logs, String(8 + Math.floor((f * perFile * 3) / 3600)).padStart(2, '0'));
    mkdirSync(dir, { recursive: true });
    const lines = Array.from({ length: Math.min(perFile, RECORDS - f * perFile) }, (_, k) => record(f * perFile + k));
    writeFileSync(join(dir, `part-${f}.json.gz`), gzipSync(`${lines.join('\n')}\n`));
  }
  const config = join(work, 'ftrag.yaml');
  writeFileSync(
    config,
    stringify({
      name: 'shadow-bench',
      endpoint: 'emulator',
      seed: 3,
      evalSet: 'unused.jsonl',
      systems: [{ id: 'candidate', kind: 'base', modelId: MODEL }],
      inference: { maxTokens: 64, temperature: 0 },
      runner: { cache: false, concurrency: CONCURRENCY },
      emulator: { latencyProfile: 'none', dataDir: join(work, 'emulator') },
    }),
  );
  let replaySeconds = NaN;
  const started = performance.now();
  const outcome = await runShadow({
    logs: [join(work, 'logs')],
    candidate: 'candidate',
    config,
    out: join(work, 'out'),
    cwd: work,
    log: (line) => {
      const m = /^replayed (\d+) requests in ([\d.]+) s/.exec(line);
      if (m) replaySeconds = Number(m[2]);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const s = outcome.run.shadow!;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'shadow',
      records: RECORDS,
      concurrency: CONCURRENCY,
      latencyProfile: 'none',
      seconds: Number(seconds.toFixed(1)),
      replaySeconds,
      replayedPerSecond: Number((RECORDS / replaySeconds).toFixed(0)),
      answered: s.replay.answered,
      failed: s.replay.failed,
      agreementF1: Number(s.agreement.f1.mean.toFixed(3)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
