/**
 * Turns a scenario's facts table into an experiment folder: Knowledge Base documents in varied prose, a fine-tuning
 * set (Bedrock conversation format), a held-out test set and experiment.yaml, then runs it through the library on
 * the embedded emulator and returns run.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runExperiment } from '../../src/index.js';
import type { RunResult } from '../../src/schema/run-result.js';
import { type Attribute, documentFor, type Entity } from './prose.js';

export type Kind = 'base' | 'fine-tuned' | 'rag' | 'rag-fine-tuned' | 'continued-pre-training';

export interface TestItem {
  id: string;
  category?: string;
  prompt: string;
  reference: string;
}

export interface Scenario {
  name: string;
  /** Entities whose facts go into the Knowledge Base (current values). */
  documents?: { entities: Entity[]; attributes: Record<string, Attribute>; extra?: Record<string, string[]> };
  /** Fine-tuning pairs (user prompt -> completion). */
  training?: { prompt: string; completion: string }[];
  test: TestItem[];
  systems: Kind[];
  primaryMetric?: string;
  workload?: Record<string, unknown>;
  /** A latency profile (JSON object) for the emulator; default none. */
  latencyProfile?: Record<string, unknown>;
  /** Base model of the base and rag systems (default Nova Micro); a CPT comparison uses the CPT model's base. */
  model?: string;
}

const MODEL = 'amazon.nova-micro-v1:0';
/** Continued pre-training on Bedrock: Titan Text Express or Lite only (reference/bedrock.md §4). */
const CPT_MODEL = 'amazon.titan-text-express-v1';

function systemSpec(kind: Kind, model = MODEL): Record<string, unknown> {
  const kb = { documents: 'kb', mode: 'retrieve-then-converse', numberOfResults: 4 };
  switch (kind) {
    case 'continued-pre-training':
      // The Knowledge Base's own documents are the training text: "teach the model our documents".
      return {
        id: 'cpt',
        kind: 'fine-tuned',
        pricingModelId: CPT_MODEL,
        training: { baseModelId: CPT_MODEL, customizationType: 'CONTINUED_PRE_TRAINING', fromDocuments: 'kb' },
        serving: { type: 'provisioned' },
      };
    case 'base':
      return { id: 'base', kind, modelId: model };
    case 'fine-tuned':
      return {
        id: 'fine-tuned',
        kind,
        pricingModelId: MODEL,
        training: { baseModelId: `${MODEL}:128k`, trainingData: 'training.jsonl', hyperParameters: { epochCount: 3, learningRateWarmupSteps: 5 } },
        serving: { type: 'on-demand' },
      };
    case 'rag':
      return { id: 'rag', kind, modelId: model, knowledgeBase: kb };
    case 'rag-fine-tuned':
      return { id: 'rag-fine-tuned', kind, generatorFrom: 'fine-tuned', pricingModelId: MODEL, knowledgeBase: kb };
  }
}

const conversation = (user: string, assistant: string) =>
  JSON.stringify({
    schemaVersion: 'bedrock-conversation-2024',
    messages: [
      { role: 'user', content: [{ text: user }] },
      { role: 'assistant', content: [{ text: assistant }] },
    ],
  });

export function writeScenario(s: Scenario, dir: string): void {
  if (s.documents) {
    mkdirSync(join(dir, 'kb'), { recursive: true });
    s.documents.entities.forEach((e, i) => {
      const file = `${e.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.md`;
      writeFileSync(join(dir, 'kb', file), documentFor(e, s.documents!.attributes, 1000 + i * 7919, s.documents!.extra?.[e.name] ?? []));
    });
  }
  if (s.training) writeFileSync(join(dir, 'training.jsonl'), `${s.training.map((t) => conversation(t.prompt, t.completion)).join('\n')}\n`);
  writeFileSync(join(dir, 'test.jsonl'), `${s.test.map((t) => JSON.stringify(t)).join('\n')}\n`);
  const emulator: Record<string, unknown> = { latencyProfile: 'none', dataDir: join(dir, 'emulator-data') };
  if (s.latencyProfile) {
    writeFileSync(join(dir, 'latency.json'), JSON.stringify(s.latencyProfile));
    emulator.latencyProfile = join(dir, 'latency.json');
  }
  const config = {
    name: s.name,
    endpoint: 'emulator',
    seed: 11,
    evalSet: 'test.jsonl',
    systems: s.systems.map((k) => systemSpec(k, s.model)),
    inference: { maxTokens: 96, temperature: 0 },
    metrics: ['exact', 'f1', 'contains'],
    primaryMetric: s.primaryMetric ?? 'f1',
    workload: { monthlyQueries: 100_000, horizonMonths: 12, knowledgeChangePerMonth: 0, ...s.workload },
    runner: { concurrency: 8, cache: false },
    emulator,
  };
  writeFileSync(join(dir, 'experiment.yaml'), stringify(config));
}

export async function runScenario(s: Scenario): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), `ftrag-decision-${s.name}-`));
  writeScenario(s, dir);
  const outcome = await runExperiment({ config: join(dir, 'experiment.yaml'), out: join(dir, 'out'), cache: false, progress: 'none' as never, cwd: dir, log: () => {} });
  return JSON.parse(readFileSync(outcome.runJsonPath, 'utf8')) as RunResult;
}
