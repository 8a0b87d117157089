/**
 * The yardstick for the harness bench: the least a script can do to send an eval set through Bedrock with the AWS
 * SDK v3. Plain JavaScript run by plain `node` (no loader, no ftrag code), so nothing but Node and the SDK is in
 * its process. It reads the same JSONL eval set `ftrag run` reads, keeps `concurrency` calls in flight, collects
 * each answer's text (and usage) in memory, and exits; it scores nothing and writes nothing.
 *
 *   node bench/lib/bare-loop.mjs <url> <stream|converse> <eval-set.jsonl> <concurrency> [sdk|pooled]
 *
 * `sdk` (default): the client exactly as the SDK configures it. Its HTTP/2 handler opens a new session per call
 * (`disableConcurrentStreams: true`, and every event stream is isolated). `pooled`: the SDK's own NodeHttp2Handler
 * with concurrent streams on and no isolated sessions, as ftrag's PooledHttp2Handler does: the fastest a bare loop
 * can go, so ftrag is measured against both.
 */
import { readFileSync } from 'node:fs';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';

const [url, mode, setPath, concurrencyArg, handlerKind = 'sdk'] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
if (!url || !['stream', 'converse'].includes(mode) || !setPath || !(concurrency >= 1) || !['sdk', 'pooled'].includes(handlerKind)) {
  process.stderr.write('usage: bare-loop.mjs <url> <stream|converse> <eval-set.jsonl> <concurrency> [sdk|pooled]\n');
  process.exit(2);
}
const MODEL = process.env.BENCH_MODEL ?? 'amazon.nova-micro-v1:0';

class Pooled extends NodeHttp2Handler {
  handle(request, options = {}) {
    return super.handle(request, { ...options, isEventStream: false });
  }
}

const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  endpoint: url,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  ...(handlerKind === 'pooled' ? { requestHandler: new Pooled({ disableConcurrentStreams: false, maxConcurrentStreams: 100 }) } : {}),
});
const items = readFileSync(setPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

const outputs = new Array(items.length);
let next = 0;
let failed = 0;
async function worker() {
  while (next < items.length) {
    const i = next++;
    const input = { modelId: MODEL, messages: [{ role: 'user', content: [{ text: items[i].prompt }] }], inferenceConfig: { maxTokens: 256, temperature: 0 } };
    try {
      if (mode === 'stream') {
        const res = await client.send(new ConverseStreamCommand(input));
        let text = '';
        let usage;
        for await (const ev of res.stream) {
          if (ev.contentBlockDelta?.delta?.text) text += ev.contentBlockDelta.delta.text;
          else if (ev.metadata) usage = ev.metadata.usage;
        }
        outputs[i] = { text, usage };
      } else {
        const res = await client.send(new ConverseCommand(input));
        outputs[i] = { text: (res.output?.message?.content ?? []).map((b) => b.text ?? '').join(''), usage: res.usage };
      }
    } catch (err) {
      failed++;
      if (failed === 1) process.stderr.write(`bare-loop: ${err?.name}: ${err?.message}\n`);
    }
  }
}
const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - t0) / 1000;
client.destroy();
process.stdout.write(`${JSON.stringify({ calls: items.length, failed, loopSeconds: Number(seconds.toFixed(3)), answered: outputs.filter(Boolean).length })}\n`);
process.exitCode = failed ? 3 : 0;
