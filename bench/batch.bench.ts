/**
 * Batch inference at scale through the real SDK against the in-process emulator: N records through
 * createBatchTargets (write input files, CreateModelInvocationJob, poll, read and map the output), and the file
 * split for a 120,000-record set. Prints JSON lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../src/emulator/index.js';
import { createAwsClients } from '../src/targets/clients.js';
import { createBatchTargets } from '../src/targets/batch.js';
import { splitIntoFiles } from '../src/targets/batch-files.js';

const dir = mkdtempSync(join(tmpdir(), 'ftrag-batch-bench-'));
const emu = await startEmulator({ dataDir: dir, port: 0, seed: 1, latencyProfile: 'none', quiet: true });
const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
try {
  for (const n of [1_000, 5_000]) {
    const requests = Array.from({ length: n }, (_, i) => ({ itemId: `q${i}`, prompt: `What is the warranty period of product ${i}?`, maxTokens: 64, temperature: 0 }));
    const t0 = performance.now();
    const targets = await createBatchTargets(
      [{ type: 'bedrock-model', id: 'batch', kind: 'base', modelId: 'amazon.nova-micro-v1:0', inference: { maxTokens: 64, temperature: 0 } }],
      { bedrock: clients.bedrock, s3: clients.s3, requests, emulated: true, locations: {}, pollMs: 50, log: () => {} },
    );
    const ms = performance.now() - t0;
    const target = targets.get('batch')!;
    let ok = 0;
    for (const r of requests) ok += (await target.invoke(r, { signal: AbortSignal.timeout(1000) }).then(() => 1, () => 0));
    console.log(JSON.stringify({ bench: 'batch-end-to-end', records: n, ok, ms: Math.round(ms), recordsPerSecond: Math.round((n / ms) * 1000), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
  }
  const lines = Array.from({ length: 120_000 }, (_, i) => JSON.stringify({ recordId: `R${i}`, modelInput: { messages: [{ role: 'user', content: [{ text: `question ${i}` }] }] } }));
  const t1 = performance.now();
  const files = splitIntoFiles(lines);
  console.log(JSON.stringify({ bench: 'batch-split', records: lines.length, files: files.length, ms: Math.round(performance.now() - t1) }));
} finally {
  clients.destroy();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
}
