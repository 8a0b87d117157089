/**
 * A shadow run's run.json: schema v1 with `kind: 'shadow'` and the `shadow` block. `systems` holds production (from
 * the log) and the candidate (from the replay; its metrics are its agreement with production), `items` every compared
 * request with both answers, so reports and gates read it like any run. With `redact`, every text that came from the
 * logs or the candidate is masked before anything is written.
 */
import { createHash } from 'node:crypto';
import type { ExperimentConfig } from '../config/schema.js';
import type { ProvisionedSystem } from '../experiment/provision.js';
import { SCHEMA_VERSION, type ItemResult, type RunResult, type RunSummary, type SystemSummary } from '../schema/run-result.js';
import type { ShadowSummary } from '../schema/shadow.js';
import { percentilesWithCi } from '../stats/index.js';
import { TOOL_VERSION } from '../util/version.js';
import { redactText } from './redact.js';
import type { Replayed } from './replay.js';
import type { Selection } from './select.js';
import { shadowVerdict, summarizePairs } from './summarize.js';
import type { CostSides } from './traffic.js';

export const PRODUCTION_ID = 'production';

export interface ShadowAssembleInput {
  runId: string;
  createdAt: string;
  config: ExperimentConfig;
  configFile: string;
  sources: string[];
  selection: Selection;
  filters: ShadowSummary['logs']['filters'];
  sample?: { size: number; seed: number };
  system: ProvisionedSystem;
  replayed: Replayed;
  traffic: ShadowSummary['traffic'];
  cost: CostSides;
  catalog: { id: string; date: string; overrides: string[]; unverified: string[] };
  endpoint: RunResult['endpoint'];
  redact: boolean;
}

const tokens = (xs: (number | undefined)[]) => {
  const v = xs.filter((x): x is number => x !== undefined);
  const total = v.reduce((a, b) => a + b, 0);
  return { mean: v.length ? total / v.length : 0, total };
};

/** The shadow run's summary and its per-item pairs (the sidecar's lines). */
export function buildShadowRun(input: ShadowAssembleInput): { run: RunSummary; items: ItemResult[] } {
  const { selection, replayed, config } = input;
  const mask = input.redact ? redactText : (s: string) => s;
  const candidateId = input.system.spec.id;
  const pairs = [...replayed.pairs.entries()];
  const records = new Map(selection.selected.map((r) => [r.requestId, r]));
  const agreementMetric = 'f1';
  const stats = summarizePairs(
    pairs.map(([, p]) => p),
    replayed.metrics,
    agreementMetric,
    config.seed,
  );
  const o = replayed.outcome;
  const shadowBase = {
    logs: {
      sources: input.sources,
      files: selection.files,
      records: selection.records,
      usable: selection.usable.length,
      compared: selection.selected.length,
      filters: input.filters,
      ...(input.sample ? { sample: input.sample } : {}),
      skipped: selection.skipped,
      skippedExamples: selection.skippedExamples.map((e) => ({ ...e, reason: mask(e.reason) })),
      bad: { ...selection.bad, examples: selection.bad.examples.map((e) => ({ ...e, reason: mask(e.reason) })) },
    },
    production: { modelId: selection.modelId, operations: countBy(selection.selected.map((r) => r.operation)) },
    candidate: { systemId: candidateId, kind: input.system.spec.kind, modelId: input.system.modelId },
    replay: { answered: o.completed, failed: o.failed, resumed: o.resumed, cacheHits: o.cacheHits },
    agreement: stats.agreement,
    agreementMetric,
    histogram: stats.histogram,
    ...(stats.judge && replayed.judgeModelId ? { judge: { modelId: replayed.judgeModelId, ...stats.judge } } : {}),
    refusal: stats.refusal,
    nonAnswer: stats.nonAnswer,
    deltas: stats.deltas,
    traffic: input.traffic,
    cost: input.cost,
    redacted: input.redact,
  };
  const shadow: ShadowSummary = { ...shadowBase, verdict: shadowVerdict(shadowBase) };

  const answered = pairs.filter(([, p]) => p.record?.ok);
  const production: SystemSummary = {
    id: PRODUCTION_ID,
    kind: 'production',
    modelId: selection.modelId,
    items: pairs.length,
    errors: 0,
    retries: 0,
    throttles: 0,
    metrics: {},
    latencyMs: percentilesWithCi(pairs.map(([, p]) => p.production.latencyMs), config.seed),
    serviceLatencyMs: percentilesWithCi(pairs.map(([, p]) => p.production.latencyMs), config.seed),
    tokens: { input: tokens(pairs.map(([, p]) => p.production.inputTokens)), output: tokens(pairs.map(([, p]) => p.production.outputTokens)), estimated: false },
    byCategory: {},
  };
  const candidate: SystemSummary = {
    id: candidateId,
    kind: input.system.spec.kind,
    modelId: input.system.modelId,
    ...(input.system.knowledgeBaseId ? { knowledgeBaseId: input.system.knowledgeBaseId } : {}),
    items: pairs.length,
    errors: o.failed,
    retries: o.retries,
    throttles: o.throttles,
    metrics: Object.fromEntries(Object.entries(stats.agreement).map(([k, v]) => [k, v])),
    latencyMs: percentilesWithCi(answered.map(([, p]) => p.record!.response!.latencyMs), config.seed),
    ...(answered.some(([, p]) => p.candidate?.latencyMs !== undefined) ? { serviceLatencyMs: percentilesWithCi(answered.map(([, p]) => p.candidate?.latencyMs), config.seed) } : {}),
    tokens: {
      input: tokens(answered.map(([, p]) => p.candidate?.inputTokens)),
      output: tokens(answered.map(([, p]) => p.candidate?.outputTokens)),
      estimated: answered.some(([, p]) => p.record!.response!.usage?.estimated === true),
    },
    byCategory: {},
  };

  const items: ItemResult[] = pairs.map(([id, p]) => {
    const r = records.get(id)!;
    const res = p.record?.response;
    const judgeScore = p.judge && p.judge.outcome !== 'unparseable' ? (p.judge.outcome === 'candidate' ? 1 : p.judge.outcome === 'production' ? 0 : 0.5) : undefined;
    return {
      id: mask(id),
      prompt: mask(r.request.messages[r.request.messages.length - 1].text),
      references: [],
      results: {
        [PRODUCTION_ID]: {
          output: mask(p.productionOutput),
          scores: { refusal: p.production.refusal ? 1 : 0, non_answer: p.production.nonAnswer ? 1 : 0 },
          ...(p.production.latencyMs !== undefined ? { serviceLatencyMs: p.production.latencyMs } : {}),
          ...(p.production.inputTokens !== undefined ? { inputTokens: p.production.inputTokens } : {}),
          ...(p.production.outputTokens !== undefined ? { outputTokens: p.production.outputTokens } : {}),
          retries: 0,
        },
        [candidateId]: {
          output: mask(res?.output ?? ''),
          ...(p.record && !p.record.ok && p.record.error ? { error: { code: p.record.error.code, message: mask(p.record.error.message) } } : {}),
          scores: {
            ...p.scores,
            ...(judgeScore !== undefined ? { judge_preference: judgeScore } : {}),
            ...(p.candidate ? { refusal: p.candidate.refusal ? 1 : 0, non_answer: p.candidate.nonAnswer ? 1 : 0 } : {}),
          },
          ...(p.judge ? { judgeReasons: { judge_preference: mask(`${p.judge.outcome}${p.judge.inconsistent ? ' (orders disagreed)' : ''}: ${p.judge.reason}`) } } : {}),
          ...(res ? { latencyMs: res.latencyMs } : {}),
          ...(res?.serviceLatencyMs !== undefined ? { serviceLatencyMs: res.serviceLatencyMs } : {}),
          ...(res?.usage ? { inputTokens: res.usage.inputTokens, outputTokens: res.usage.outputTokens } : {}),
          retries: p.record?.retries ?? 0,
        },
      },
    };
  });

  const sha = createHash('sha256');
  for (const r of selection.selected) sha.update(`${r.requestId}\u0000${r.production.output}\u0001`);
  const notes = [
    ...(input.endpoint.emulated ? ['Answers came from the ftrag emulator reference model, not from Amazon Bedrock.'] : []),
    'Shadow comparison: production answers, tokens and latency come from the invocation log; the candidate answered the same requests. No references: agreement is between the two answers.',
    ...(input.redact ? ['Redacted: e-mail addresses, phone numbers and card-like numbers are masked in this file and the reports.'] : []),
  ];
  const run: RunSummary = {
    schemaVersion: SCHEMA_VERSION,
    kind: 'shadow',
    runId: input.runId,
    createdAt: input.createdAt,
    finishedAt: new Date().toISOString(),
    status: o.failed === 0 && !o.interrupted ? 'completed' : 'partial',
    tool: { name: 'ftrag', version: TOOL_VERSION },
    endpoint: input.endpoint,
    seed: config.seed,
    config: JSON.parse(JSON.stringify({ ...config, configFile: input.configFile })) as Record<string, unknown>,
    evalSet: { name: 'invocation logs', path: input.sources.join(', '), format: 'bedrock-invocation-logs', size: pairs.length, sha256: sha.digest('hex'), categories: [] },
    priceCatalog: input.catalog,
    primaryMetric: agreementMetric,
    metrics: replayed.metrics,
    systems: [production, candidate],
    comparisons: [],
    notes,
    shadow,
  };
  return { run, items };
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
