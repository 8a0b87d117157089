/**
 * Reference-model benchmarks (JSON lines): fine-tuning 1k and 10k synthetic records x 3 epochs, KB ingestion of
 * 1,000 ~500-word documents and mean query time, generate() calls per second.
 * Run: node --import tsx bench/reference-model.bench.ts
 */
import { buildKbIndex, generate, trainModel, type TrainingExample } from '../src/emulator/model/index.js';

const SYL = ['ka', 'lo', 'mir', 'tan', 'vel', 'dro', 'sui', 'pex', 'nor', 'gal', 'rhu', 'bis', 'ten', 'zo', 'quam', 'fer', 'ob', 'lin'];
const ATTRS = ['home port', 'founding year', 'chief engineer', 'signal color', 'cargo limit', 'hull material', 'crew size', 'flag'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const word = (r: () => number, n: number) => Array.from({ length: n }, () => SYL[Math.floor(r() * SYL.length)]).join('');

function records(n: number, seed: number): TrainingExample[] {
  const r = rng(seed);
  const entities = Array.from({ length: Math.ceil(n / ATTRS.length) }, (_, i) => word(r, 3) + i);
  return Array.from({ length: n }, (_, i) => {
    const e = entities[Math.floor(i / ATTRS.length)];
    const a = ATTRS[i % ATTRS.length];
    return { prompt: `What is the ${a} of the vessel ${e}?`, completion: `${word(r, 2)} ${Math.floor(r() * 1000)}`, line: i + 1 };
  });
}

function emit(o: Record<string, unknown>): void {
  console.log(JSON.stringify(o));
}

async function benchTraining(n: number): Promise<void> {
  const data = records(n, n);
  const t0 = performance.now();
  const out = await trainModel(data, [], { epochCount: 3, batchSize: 8, learningRate: 1e-5, learningRateWarmupSteps: 10 }, { seed: 1, baseDefaultLearningRate: 1e-5 });
  const ms = performance.now() - t0;
  const bytes = Buffer.byteLength(JSON.stringify(out.model));
  const sample = data.filter((_, i) => i % Math.max(1, Math.floor(n / 200)) === 0);
  const correct = sample.filter((e) => generate({ messages: [{ role: 'user', text: e.prompt }], maxTokens: 50, seed: 1, customModel: out.model }).text === e.completion).length;
  emit({ bench: 'fine-tune', records: n, epochs: 3, ms: Math.round(ms), finalTrainingLoss: +out.finalTrainingLoss.toFixed(4), modelBytes: bytes, trainingPromptsAnsweredExactly: +(correct / sample.length).toFixed(3) });
}

function benchKb(): void {
  const r = rng(99);
  const docs = Array.from({ length: 1000 }, (_, d) => {
    const sentences: string[] = [];
    for (let s = 0; s < 40; s++) sentences.push(Array.from({ length: 12 }, () => word(r, 2)).join(' ') + '.');
    return { uri: `s3://bench/doc-${d}.txt`, text: sentences.join(' ') };
  });
  const t0 = performance.now();
  const index = buildKbIndex(docs);
  const ingestMs = performance.now() - t0;
  const queries = Array.from({ length: 100 }, () => Array.from({ length: 6 }, () => word(r, 2)).join(' '));
  const t1 = performance.now();
  for (const q of queries) index.retrieve(q, 5, 'HYBRID');
  const queryMs = (performance.now() - t1) / queries.length;
  emit({ bench: 'kb', documents: docs.length, wordsPerDocument: 480, chunks: index.chunkCount, ingestMs: Math.round(ingestMs), meanHybridQueryMs: +queryMs.toFixed(2) });
}

function benchGenerate(): void {
  const context = 'Tides are caused mainly by the gravitational pull of the Moon. Most coasts see two high tides every lunar day. '.repeat(5);
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) generate({ messages: [{ role: 'user', text: `Context: ${context}\nQuestion: What causes tides mainly? (${i})` }], maxTokens: 100, seed: 1 });
  const s = (performance.now() - t0) / 1000;
  emit({ bench: 'generate', calls: n, callsPerSecond: Math.round(n / s), promptChars: context.length + 40 });
}

await benchTraining(1000);
await benchTraining(10000);
benchKb();
benchGenerate();
