/**
 * importBedrockEval: the metrics of Amazon Bedrock Evaluations jobs added to a saved run as per-item metrics, so the
 * run's own statistics and verdict apply to them: each metric is summarised per system and category (mean, seeded
 * bootstrap 95% interval), compared pairwise on the items both systems were judged on (Wilcoxon signed-rank, paired
 * bootstrap interval, TOST equivalence, Holm within the metric's own family, exactly as ftrag's metrics are), and the
 * verdict is decided again by the same rule. Pure: the caller reads the files and writes the new run.
 *
 * Scoring policy, the same as ftrag's metrics: an item the system failed on has no answer to judge and was left out of
 * the export; it scores 0 on a higher-is-better metric (a failure must not flatter a system) and stays unscored on a
 * lower-is-better one. An answered item the job returned no record for, or returned with result null, stays unscored
 * and is counted.
 */
import { decide, decisionContextOf } from '../experiment/reprice.js';
import { collectItems, type RunWithItems } from '../schema/items.js';
import type { BedrockEvalImport, ItemResult, RunSummary, SystemSummary } from '../schema/run-result.js';
import { compareSystems, DEFAULT_EQUIVALENCE_MARGIN, summarizeMetric } from '../stats/index.js';
import { InputError } from '../util/errors.js';
import type { ExportManifest } from './export.js';
import type { JobOutput } from './job-output.js';
import { mapRecords } from './map-records.js';
import { builtinMetric, customMetric, type BedrockMetric } from './metrics.js';

export interface ImportOptions {
  /** System id for records whose identifier is not one (all records). */
  system?: string;
  /** Decide the verdict on this metric (an imported higher-is-better one, or any metric of the run). */
  primaryMetric?: string;
  manifest?: { path: string; doc: ExportManifest };
  importedAt?: string;
}

export interface Imported {
  run: RunSummary;
  /** Every item with the imported scores added, in run order: the new run's sidecar. */
  items: ItemResult[];
  summary: BedrockEvalImport;
}

const MAX_MISMATCHES = 50;

function checkManifest(run: RunSummary, manifest: ImportOptions['manifest']): void {
  if (!manifest) return;
  const m = manifest.doc;
  if (m.format !== 'ftrag-bedrock-eval-export' || !Array.isArray(m.files)) throw new InputError('is not an ftrag bedrock-eval export manifest', { file: manifest.path, field: 'format' });
  if (m.runId !== run.runId) throw new InputError(`is the export of run ${m.runId}, not of run ${run.runId}`, { file: manifest.path, field: 'runId' });
  if (m.evalSetSha256 !== run.evalSet.sha256) throw new InputError('was exported from another eval set (sha256 differs)', { file: manifest.path, field: 'evalSetSha256' });
}

/** The metric a score names, with its value on 0..1; undefined for a known metric that is not imported. */
function resolveMetric(name: string, out: JobOutput, field: string, file: string, line: number): BedrockMetric {
  const builtin = builtinMetric(name);
  if (builtin) return builtin;
  if (out.customMetrics.has(name)) return customMetric(name);
  throw new InputError(
    `unknown metric "${name}": not a Bedrock built-in metric, and no custom metric of that name is defined in the job's custom_metrics/ folder`,
    { file, line, field },
  );
}

function toUnitScale(value: number, metric: BedrockMetric, out: JobOutput, file: string, line: number, field: string): number {
  const scale = metric.name.startsWith('bedrock.custom.') ? out.customMetrics.get(metric.bedrockName)?.scale ?? [] : [];
  if (value >= 0 && value <= 1) return value;
  if (scale.length >= 2) {
    const lo = Math.min(...scale);
    const hi = Math.max(...scale);
    if (value >= lo && value <= hi && hi > lo) return (value - lo) / (hi - lo);
  }
  throw new InputError(`is ${value}, outside 0..1${scale.length >= 2 ? ` and outside the metric's rating scale ${Math.min(...scale)}..${Math.max(...scale)}` : ''}`, { file, line, field });
}

/**
 * The items are collected once: every item gains scores by id from records in any order, and the new summaries and
 * comparisons need every score of a metric at once.
 */
export async function importBedrockEval({ run, items: stream }: RunWithItems, out: JobOutput, opts: ImportOptions = {}): Promise<Imported> {
  checkManifest(run, opts.manifest);
  const runItems = await collectItems(stream);
  const mapped = mapRecords(run, runItems, out.records, opts.manifest?.doc, { system: opts.system });
  const items = new Map(runItems.map((i) => [i.id, { ...i, results: Object.fromEntries(Object.entries(i.results).map(([k, v]) => [k, { ...v, scores: { ...v.scores } }])) }]));
  const already = new Set(run.metrics);
  const metrics = new Map<string, { metric: BedrockMetric; systems: Set<string> }>();
  const skipped = new Map<string, { records: number; reason: string }>();
  const seen = new Map<string, string>();

  for (const m of mapped) {
    const { record: r, system, itemId } = m;
    const result = items.get(itemId)!.results[system];
    if (!result) throw new InputError(`item ${itemId} has no answer from ${system} in this run`, { file: r.file, line: r.line, field: r.sourceField });
    if (result.error) throw new InputError(`item ${itemId} failed for ${system} in this run, so it was not exported; this record is not from this run's export`, { file: r.file, line: r.line });
    for (const s of r.scores) {
      const metric = resolveMetric(s.metricName, out, s.field.replace(/\.result$/, '.metricName'), r.file, r.line);
      if (metric.unsupported) {
        const k = skipped.get(metric.bedrockName) ?? { records: 0, reason: metric.unsupported };
        skipped.set(metric.bedrockName, { ...k, records: k.records + 1 });
        continue;
      }
      if (already.has(metric.name)) throw new InputError(`${metric.name} is already in this run (imported before); import into the original run, or leave this job out`, { file: r.file, line: r.line, field: s.field });
      const key = `${itemId}\u0000${system}\u0000${metric.name}`;
      if (seen.has(key)) throw new InputError(`is a second ${s.metricName} score for item ${itemId} on ${system} (the first is at ${seen.get(key)})`, { file: r.file, line: r.line, field: s.field });
      seen.set(key, `${r.file} line ${r.line}`);
      const value = s.result === null ? null : toUnitScale(s.result, metric, out, r.file, r.line, s.field);
      result.scores[metric.name] = value;
      if (s.explanation) result.judgeReasons = { ...(result.judgeReasons ?? {}), [metric.name]: s.explanation };
      if (!metrics.has(metric.name)) metrics.set(metric.name, { metric, systems: new Set() });
      metrics.get(metric.name)!.systems.add(system);
    }
  }
  if (metrics.size === 0) throw new InputError(`no metric to import${skipped.size ? ` (only ${[...skipped.keys()].join(', ')}, which ${skipped.size === 1 ? 'is' : 'are'} not per-item 0..1 scores)` : ''}`, { file: out.files[0] });

  const itemList = runItems.map((i) => items.get(i.id)!);
  const order = run.systems.map((s) => s.id);
  const importedMetrics: BedrockEvalImport['metrics'] = [];
  for (const { metric, systems } of metrics.values()) {
    const entry = { name: metric.name, bedrockName: metric.bedrockName, higherIsBetter: metric.higherIsBetter, ...(metric.name.startsWith('bedrock.custom.') ? { custom: true } : {}), systems: order.filter((s) => systems.has(s)), scored: {}, notApplicable: {}, notReturned: {}, failedAsZero: {} } as BedrockEvalImport['metrics'][number];
    for (const system of entry.systems) {
      let scored = 0, na = 0, missing = 0, failed = 0;
      for (const item of itemList) {
        const r = item.results[system];
        if (!r) continue;
        if (r.error) {
          if (metric.higherIsBetter) {
            r.scores[metric.name] = 0;
            failed++;
          }
        } else if (!(metric.name in r.scores)) missing++;
        else if (r.scores[metric.name] === null) na++;
        else scored++;
      }
      Object.assign(entry.scored, { [system]: scored });
      Object.assign(entry.notApplicable, { [system]: na });
      Object.assign(entry.notReturned, { [system]: missing });
      Object.assign(entry.failedAsZero, { [system]: failed });
    }
    importedMetrics.push(entry);
  }

  const names = importedMetrics.map((m) => m.name);
  const value = (system: string, metric: string) => itemList.map((i) => i.results[system]?.scores[metric] ?? null);
  const summarize = (system: string, subset: typeof itemList) =>
    Object.fromEntries(
      names
        .map((m) => [m, summarizeMetric(subset.map((i) => i.results[system]?.scores[m] ?? null), { binary: false, seed: run.seed })] as const)
        .filter(([, s]) => s.n > 0),
    );
  const systems: SystemSummary[] = run.systems.map((s) => ({
    ...s,
    metrics: { ...s.metrics, ...summarize(s.id, itemList) },
    byCategory: Object.fromEntries(Object.entries(s.byCategory).map(([c, cat]) => [c, { ...cat, metrics: { ...cat.metrics, ...summarize(s.id, itemList.filter((i) => i.category === c)) } }])),
  }));
  const margin = (run.config.verdict as { equivalenceMargin?: number } | undefined)?.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN;
  const added = compareSystems({
    systems: order,
    metrics: names.map((name) => ({ name, binary: false })),
    scores: value,
    categories: itemList.map((i) => i.category),
    seed: run.seed,
    equivalenceMargin: margin,
  });

  const primaryBefore = run.primaryMetric;
  const primary = opts.primaryMetric ?? run.primaryMetric;
  const candidate = importedMetrics.find((m) => m.name === primary);
  if (opts.primaryMetric && !candidate && !run.metrics.includes(primary)) throw new InputError(`"${primary}" is neither a metric of this run nor one this import adds (${names.join(', ')})`, { field: '--primary' });
  if (candidate && !candidate.higherIsBetter) throw new InputError(`${primary} is lower-is-better (${candidate.bedrockName}); a verdict is decided on a quality metric`, { field: '--primary' });

  const next: RunSummary = { ...run, systems, comparisons: [...run.comparisons, ...added], metrics: [...run.metrics, ...names], primaryMetric: primary };
  const ctx = decisionContextOf(next);
  const recommendation = decide(ctx, systems);
  const verdicts = importedMetrics
    .filter((m) => m.higherIsBetter)
    .map((m) => {
      const r = m.name === primary ? recommendation : decide({ ...ctx, primaryMetric: m.name }, systems);
      return { metric: m.name, choice: r.choice, ...(r.systemId ? { systemId: r.systemId } : {}), confidence: r.confidence, headline: r.headline };
    });
  const files = [...new Set(mapped.map((m) => `${m.record.file}\u0000${m.system}`))].map((key) => {
    const [path, system] = key.split('\u0000');
    const of = mapped.filter((m) => m.record.file === path && m.system === system);
    return { path, kind: of[0].record.kind, system, records: of.length, byLineOrder: of.filter((m) => m.byLineOrder).length, byPrompt: of.filter((m) => !m.byLineOrder).length };
  });
  const mismatched = mapped.filter((m) => m.manifestItemId !== undefined);
  const summary: BedrockEvalImport = {
    source: 'bedrock-eval',
    importedAt: opts.importedAt ?? new Date().toISOString(),
    files,
    ...(opts.manifest ? { manifest: opts.manifest.path } : {}),
    metrics: importedMetrics,
    skippedMetrics: [...skipped].map(([bedrockName, s]) => ({ bedrockName, ...s })),
    mismatches: mismatched.slice(0, MAX_MISMATCHES).map((m) => ({ file: m.record.file, line: m.record.line, manifestItemId: m.manifestItemId!, itemId: m.itemId })),
    mismatchCount: mismatched.length,
    ...(primary !== primaryBefore ? { primaryMetricBefore: primaryBefore } : {}),
    verdicts,
  };
  const notes = [...run.notes, `Metrics ${names.join(', ')} were imported from Amazon Bedrock Evaluations job output (judge scores, not ftrag's own scoring); see the import section.`];
  if (primary !== primaryBefore) notes.push(`The verdict is decided on ${primary} (imported); the run was first decided on ${primaryBefore}${run.vectorStores ? ', and the vector-store table still reflects that first verdict' : ''}.`);
  return { run: { ...next, recommendation, notes, imports: [...(run.imports ?? []), summary] }, items: itemList, summary };
}
