/**
 * Runner throughput and memory (issue 3 targets): ftrag's runner vs a bare AWS SDK loop against the same
 * loopback h2c endpoint that answers ConverseStream at once, both at concurrency 32 with exact + F1 scoring.
 * Each variant runs in its own child process so peak RSS is that variant's alone; this parent serves the
 * endpoint. Prints JSON lines. Targets: ftrag >= 70% of the bare loop's calls/s; peak RSS <= 250 MB; 100,000
 * items with keepRecords false in bounded memory.
 *
 *   node --import tsx bench/runner.bench.ts            # throughput: 10,000 items x 2 rounds per variant (~60 s)
 *   node --import tsx bench/runner.bench.ts --stream   # 100,000 items, keepRecords false (~2-3 min on 2 cores)
 *   ITEMS=2000 ROUNDS=1 node --import tsx bench/runner.bench.ts   # quick
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { EvalItem } from '../src/datasets/types.js';
import { runEval } from '../src/runner/index.js';
import { squadExact, squadF1 } from '../src/scoring/index.js';
import { createAwsClients, createBedrockModelTarget } from '../src/targets/index.js';
import { converseFrames, startStub } from '../test/targets/h2c-stub.js';

const CONCURRENCY = 32;
/** STREAMING=0 compares non-streaming Converse instead (the SDK pools connections for it). */
const STREAMING = process.env.STREAMING !== '0';
const MODEL = 'amazon.nova-micro-v1:0';

function items(n: number): EvalItem[] {
  return Array.from({ length: n }, (_, i) => ({ id: `q${i}`, prompt: `What is the code of unit ${i}?`, references: [`code ${i % 97}`] }));
}

/** The endpoint: answers right for two thirds of the questions, so scores are not constant. */
async function serve() {
  return startStub(
    (req) => {
      const body = req.body as { messages: Array<{ content: Array<{ text: string }> }> };
      const n = Number(/unit (\d+)/.exec(body.messages[0].content[0].text)?.[1] ?? 0);
      const text = n % 3 === 0 ? 'no idea' : `The code ${n % 97}.`;
      if (req.path.endsWith('/converse')) {
        return { json: { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 }, metrics: { latencyMs: 1 } } };
      }
      return { frames: converseFrames([text], { inputTokens: 12, outputTokens: 4 }) };
    },
    { record: false },
  );
}

interface Result {
  variant: string;
  items: number;
  concurrency: number;
  seconds: number;
  callsPerSecond: number;
  peakRssMb: number;
  liveHeapMb: number;
  meanExact: number;
  meanF1: number;
  failed: number;
}

async function bareSdk(url: string, n: number): Promise<Omit<Result, 'variant' | 'peakRssMb' | 'liveHeapMb'>> {
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: url });
  const run = async (list: EvalItem[]) => {
    let next = 0;
    let exact = 0;
    let f1 = 0;
    let failed = 0;
    const worker = async () => {
      while (next < list.length) {
        const item = list[next++];
        try {
          const input = { modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text: item.prompt }] }], inferenceConfig: { maxTokens: 64, temperature: 0 } };
          let text = '';
          if (STREAMING) {
            const res = await clients.runtime.send(new ConverseStreamCommand(input));
            for await (const ev of res.stream!) if (ev.contentBlockDelta?.delta?.text) text += ev.contentBlockDelta.delta.text;
          } else {
            const res = await clients.runtime.send(new ConverseCommand(input));
            text = (res.output?.message?.content ?? []).map((b) => b.text ?? '').join('');
          }
          exact += squadExact(text, item.references);
          f1 += squadF1(text, item.references);
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { exact, f1, failed };
  };
  await run(items(300)); // warm-up: connections, JIT
  const list = items(n);
  const t0 = performance.now();
  const r = await run(list);
  const seconds = (performance.now() - t0) / 1000;
  clients.destroy();
  return { items: n, concurrency: CONCURRENCY, seconds, callsPerSecond: n / seconds, meanExact: r.exact / n, meanF1: r.f1 / n, failed: r.failed };
}

async function ftragRunner(url: string, n: number, keepRecords: boolean): Promise<Omit<Result, 'variant' | 'peakRssMb' | 'liveHeapMb'>> {
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: url });
  const target = createBedrockModelTarget({ id: 'base', kind: 'base', modelId: MODEL, runtime: clients.runtime, inference: { maxTokens: 64, temperature: 0, streaming: STREAMING } });
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-bench-'));
  const list = items(n);
  const byId = new Map(list.map((it) => [it.id, it]));
  let exact = 0;
  let f1 = 0;
  const run = (journal: string, subset: EvalItem[]) =>
    runEval({
      items: subset,
      targets: [target],
      journalPath: join(dir, journal),
      concurrency: CONCURRENCY,
      timeoutMs: 30_000,
      maxRetries: 3,
      cache: null,
      progress: 'none',
      seed: 1,
      keepRecords,
      onResult: (r) => {
        if (!r.ok || !r.response) return;
        const item = byId.get(r.itemId)!;
        exact += squadExact(r.response.output, item.references);
        f1 += squadF1(r.response.output, item.references);
      },
    });
  await run('warmup.jsonl', items(300));
  exact = f1 = 0;
  const t0 = performance.now();
  const out = await run('journal.jsonl', list);
  const seconds = (performance.now() - t0) / 1000;
  clients.destroy();
  rmSync(dir, { recursive: true, force: true });
  return { items: n, concurrency: CONCURRENCY, seconds, callsPerSecond: n / seconds, meanExact: exact / n, meanF1: f1 / n, failed: out.failed };
}

async function child(variant: string, url: string, n: number): Promise<void> {
  const r =
    variant === 'bare-sdk' ? await bareSdk(url, n) : await ftragRunner(url, n, variant !== 'ftrag-runner-stream');
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  // Live heap after a full GC: what the run really retains (peak RSS also holds garbage V8 had not collected yet).
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeapMb = Math.round(process.memoryUsage().heapUsed / 1048576);
  process.stdout.write(`${JSON.stringify({ variant, streaming: STREAMING, ...r, peakRssMb: Math.round(peakRssMb), liveHeapMb })}\n`);
}

function runChild(variant: string, url: string, n: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, url, String(n)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1' },
    });
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${variant} exited ${code}`))));
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2], Number(args[3]));
  const n = Number(process.env.ITEMS ?? 10_000);
  const rounds = Number(process.env.ROUNDS ?? 2);
  const server = await serve();
  try {
    if (args.includes('--stream')) {
      // 100,000 items, keepRecords false: memory must stay bounded (journal only).
      const big = Number(process.env.STREAM_ITEMS ?? 100_000);
      // STREAM_VARIANT=bare-sdk gives the same-size baseline for comparison.
      const stream = await runChild(process.env.STREAM_VARIANT ?? 'ftrag-runner-stream', server.url, big);
      console.log(JSON.stringify({ ...stream, rssTargetMb: 250, rssOk: stream.peakRssMb <= 250 }));
      return;
    }
    // Warm the endpoint itself (JIT, sessions) so neither variant pays for it. Then alternate the variants
    // (sdk, ftrag, ftrag, sdk, ...) so a busy machine slows both alike, and compare total rates.
    await runChild('bare-sdk', server.url, 1000);
    const results: Result[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['bare-sdk', 'ftrag-runner'] : ['ftrag-runner', 'bare-sdk'];
      for (const variant of order) {
        const res = await runChild(variant, server.url, n);
        results.push(res);
        console.log(JSON.stringify({ round: r + 1, ...res }));
      }
    }
    const of = (v: string) => results.filter((r) => r.variant === v);
    const rate = (v: string) => of(v).reduce((t, r) => t + r.items, 0) / of(v).reduce((t, r) => t + r.seconds, 0);
    const peak = (v: string) => Math.max(...of(v).map((r) => r.peakRssMb));
    const ratio = rate('ftrag-runner') / rate('bare-sdk');
    console.log(
      JSON.stringify({
        bench: 'runner-throughput',
        streaming: STREAMING,
        items: n,
        rounds,
        concurrency: CONCURRENCY,
        bareSdkCallsPerSecond: Math.round(rate('bare-sdk')),
        ftragCallsPerSecond: Math.round(rate('ftrag-runner')),
        ratio: Number(ratio.toFixed(3)),
        ratioTarget: 0.7,
        ratioOk: ratio >= 0.7,
        bareSdkPeakRssMb: peak('bare-sdk'),
        ftragPeakRssMb: peak('ftrag-runner'),
        rssTargetMb: 250,
        rssOk: peak('ftrag-runner') <= 250,
        scoresAgree: of('ftrag-runner').every((r) => Math.abs(r.meanF1 - of('bare-sdk')[0].meanF1) < 1e-9),
      }),
    );
  } finally {
    await server.close();
  }
}

await main();
