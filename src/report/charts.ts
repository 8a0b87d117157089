/**
 * The report's charts as vega-lite specs built from run.json aggregates, rendered to inline SVG at build time.
 * Each chart carries a one-paragraph text summary (for aria-label and figcaption) and a data table fallback.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Percentiles, RunSummary, SystemSummary } from '../schema/run-result.js';
import { workloadOf } from './findings.js';
import { count, ms, pct, usd } from './format.js';
import { vegaLiteToSvg } from './vega-svg.js';

export interface Chart {
  id: string;
  title: string;
  /** Plain-language summary: the text alternative and the figcaption. */
  summary: string;
  svg: string;
  table: { caption: string; columns: string[]; rows: string[][] };
}

/** Per-system latency points drawn in the distribution chart; more would only bloat the file. */
export const LATENCY_SAMPLE_MAX = 2000;

const WIDTH = 760;

function systemColor(run: RunSummary) {
  return { field: 'system', type: 'nominal', title: 'System', scale: { domain: run.systems.map((s) => s.id) } };
}

function intervalChart(run: RunSummary, rows: Array<Record<string, unknown>>, groupField: string, groupTitle: string): TopLevelSpec {
  const y = { field: groupField, type: 'nominal', title: groupTitle, sort: null };
  const yOffset = { field: 'system', type: 'nominal', sort: run.systems.map((s) => s.id) };
  const x = { field: 'mean', type: 'quantitative', title: 'Score (mean, 95% interval)', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  return {
    width: WIDTH,
    height: { step: 16 } as unknown as number,
    data: { values: rows },
    encoding: { y, yOffset, color: systemColor(run) },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x } },
    ],
  } as unknown as TopLevelSpec;
}

export function qualityChart(run: RunSummary): Chart | null {
  const rows = run.systems.flatMap((s) =>
    run.metrics.filter((m) => s.metrics[m]).map((m) => ({ system: s.id, metric: m, mean: s.metrics[m].mean, lo: s.metrics[m].ci95[0], hi: s.metrics[m].ci95[1] })),
  );
  if (rows.length === 0) return null;
  const best = bestOn(run, run.primaryMetric);
  return {
    id: 'chart-quality',
    title: 'Quality by system, with 95% intervals',
    summary: `Mean score of each system on ${run.metrics.join(', ')}, with 95% intervals as horizontal lines. ${best ? `Highest ${run.primaryMetric}: ${best.id} at ${pct(best.metrics[run.primaryMetric].mean)}.` : ''} Overlapping intervals mean the difference may not be real; see the comparisons table.`,
    svg: vegaLiteToSvg(intervalChart(run, rows, 'metric', 'Metric')),
    table: {
      caption: 'Quality by system (mean and 95% interval)',
      columns: ['System', 'Metric', 'Mean', '95% interval'],
      rows: rows.map((r) => [r.system, r.metric, pct(r.mean), `${pct(r.lo)}–${pct(r.hi)}`]),
    },
  };
}

export function categoryChart(run: RunSummary): Chart | null {
  const m = run.primaryMetric;
  const rows = run.systems.flatMap((s) =>
    Object.entries(s.byCategory)
      .filter(([, c]) => c.metrics[m])
      .map(([category, c]) => ({ system: s.id, category, n: c.n, mean: c.metrics[m].mean, lo: c.metrics[m].ci95[0], hi: c.metrics[m].ci95[1] })),
  );
  if (rows.length === 0) return null;
  const cats = [...new Set(rows.map((r) => r.category))];
  const leaders = cats.map((cat) => {
    const top = rows.filter((r) => r.category === cat).sort((a, b) => b.mean - a.mean)[0];
    return `${cat}: ${top.system} (${pct(top.mean)})`;
  });
  return {
    id: 'chart-category',
    title: `${m} by category, with 95% intervals`,
    summary: `Mean ${m} of each system in each task category, with 95% intervals. Best per category: ${leaders.join('; ')}.`,
    svg: vegaLiteToSvg(intervalChart(run, rows, 'category', 'Category')),
    table: {
      caption: `${m} by category (mean and 95% interval)`,
      columns: ['Category', 'System', 'Items', 'Mean', '95% interval'],
      rows: rows.map((r) => [r.category, r.system, count(r.n), pct(r.mean), `${pct(r.lo)}–${pct(r.hi)}`]),
    },
  };
}

/** Evenly spaced quantiles of a sorted array: keeps the distribution's shape with a bounded number of points. */
export function quantileSample(sorted: number[], max: number): number[] {
  if (sorted.length <= max) return sorted;
  return Array.from({ length: max }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (max - 1))]);
}

/** `latencies`: per system id, the client latency of each successful result (read from the item stream). */
export function latencyChart(run: RunSummary, latencies: ReadonlyMap<string, ArrayLike<number> & Iterable<number>>): Chart | null {
  const rows: Array<{ system: string; ms: number }> = [];
  let sampled = false;
  for (const s of run.systems) {
    const values = [...(latencies.get(s.id) ?? [])];
    values.sort((a, b) => a - b);
    const pts = quantileSample(values, LATENCY_SAMPLE_MAX);
    sampled ||= pts.length < values.length;
    for (const v of pts) rows.push({ system: s.id, ms: v });
  }
  if (rows.length === 0) return null;
  const slo = workloadOf(run).latencySloMs;
  const layers: unknown[] = [
    {
      mark: { type: 'boxplot', extent: 1.5, size: 22, median: { color: '#fff' }, outliers: { size: 14, opacity: 0.6 } },
      encoding: {
        y: { field: 'system', type: 'nominal', title: 'System', sort: run.systems.map((s) => s.id) },
        x: { field: 'ms', type: 'quantitative', title: 'Client latency per item (ms)', scale: { zero: true } },
        color: { ...systemColor(run), legend: null },
      },
    },
  ];
  if (slo !== undefined) {
    layers.push({ data: { values: [{ slo }] }, mark: { type: 'rule', strokeDash: [6, 4], color: '#D55E00', strokeWidth: 2 }, encoding: { x: { field: 'slo', type: 'quantitative' } } });
  }
  return {
    id: 'chart-latency',
    title: 'Latency distribution per item',
    summary: `Box plots of client wall-time latency per item (send to last byte) (box: middle half, white line: median, whiskers: 1.5× the interquartile range, dots: slower outliers).${slo !== undefined ? ` The dashed line is the p95 objective of ${ms(slo)}.` : ''} ${run.systems.map((s) => `${s.id}: p50 ${ms(s.latencyMs.p50)}, p95 ${ms(s.latencyMs.p95)}`).join('; ')}.${sampled ? ` Each system is drawn from at most ${count(LATENCY_SAMPLE_MAX)} evenly spaced quantiles of its latencies; the percentiles in the scoreboard use every item.` : ''}`,
    svg: vegaLiteToSvg({ width: WIDTH, height: { step: 36 } as unknown as number, data: { values: rows }, layer: layers } as unknown as TopLevelSpec),
    table: {
      caption: 'Latency percentiles (every item): client wall time, and the service\'s own time where it reports one',
      columns: ['System', 'Basis', 'p50', 'p95 (95% CI)', 'p99', 'Mean', 'Items'],
      rows: run.systems.flatMap((s) =>
        (
          [
            ['client', s.latencyMs],
            ['service', s.serviceLatencyMs],
            ['first token (client)', s.firstTokenMs],
          ] as Array<[string, Percentiles | undefined]>
        )
          .filter((row): row is [string, Percentiles] => row[1] !== undefined && row[1].n > 0)
          .map(([basis, p]) => [
            s.id,
            `${basis}${s.streaming === true ? ', streamed' : s.streaming === false ? ', not streamed' : ''}`,
            ms(p.p50),
            `${ms(p.p95)}${p.p95Ci95 ? ` (${ms(p.p95Ci95[0])}–${ms(p.p95Ci95[1])})` : ''}`,
            ms(p.p99),
            ms(p.mean),
            count(p.n),
          ]),
      ),
    },
  };
}

export function tokensChart(run: RunSummary): Chart | null {
  if (run.systems.length === 0) return null;
  const rows = run.systems.flatMap((s) => [
    { system: s.id, direction: 'input', mean: s.tokens.input.mean },
    { system: s.id, direction: 'output', mean: s.tokens.output.mean },
  ]);
  const label = (s: SystemSummary) => `${s.id} ${count(s.tokens.input.mean)} in / ${count(s.tokens.output.mean)} out${s.tokens.estimated ? ' (estimated)' : ''}`;
  return {
    id: 'chart-tokens',
    title: 'Tokens per query (mean)',
    summary: `Mean input and output tokens per query. RAG systems send the retrieved passages as input, so their input is larger. ${run.systems.map(label).join('; ')}.`,
    svg: vegaLiteToSvg({
      width: WIDTH,
      height: { step: 14 } as unknown as number,
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'system', type: 'nominal', title: 'System', sort: run.systems.map((s) => s.id) },
        yOffset: { field: 'direction', type: 'nominal' },
        x: { field: 'mean', type: 'quantitative', title: 'Tokens per query (mean)' },
        color: { field: 'direction', type: 'nominal', title: 'Tokens', scale: { range: ['#0072B2', '#E69F00'] } },
      },
    } as unknown as TopLevelSpec),
    table: {
      caption: 'Tokens per query',
      columns: ['System', 'Input (mean)', 'Output (mean)', 'Input (total)', 'Output (total)', 'Estimated'],
      rows: run.systems.map((s) => [s.id, count(s.tokens.input.mean, 1), count(s.tokens.output.mean, 1), count(s.tokens.input.total), count(s.tokens.output.total), s.tokens.estimated ? 'yes' : 'no']),
    },
  };
}

export interface CrossOver {
  a: string;
  b: string;
  monthlyQueries: number;
  monthlyUsd: number;
}

/** Volumes where two systems' monthly cost lines cross: fixedA + v/1000·pA = fixedB + v/1000·pB. */
export function costCrossovers(systems: SystemSummary[]): CrossOver[] {
  const out: CrossOver[] = [];
  for (let i = 0; i < systems.length; i++) {
    for (let j = i + 1; j < systems.length; j++) {
      const a = systems[i].cost;
      const b = systems[j].cost;
      if (!a || !b || a.per1kQueriesUsd === b.per1kQueriesUsd) continue;
      const v = ((b.monthlyFixedUsd - a.monthlyFixedUsd) / (a.per1kQueriesUsd - b.per1kQueriesUsd)) * 1000;
      if (v > 0 && Number.isFinite(v)) out.push({ a: systems[i].id, b: systems[j].id, monthlyQueries: v, monthlyUsd: a.monthlyFixedUsd + (v / 1000) * a.per1kQueriesUsd });
    }
  }
  return out.sort((x, y) => x.monthlyQueries - y.monthlyQueries);
}

/** Pairs whose monthly cost stays within 3% of each other at every plotted volume: lines a reader cannot separate. */
function closeCostLines(systems: SystemSummary[], volumes: number[]): Array<{ a: string; b: string; maxUsd: number; maxShare: number }> {
  const monthly = (s: SystemSummary, v: number) => s.cost!.monthlyFixedUsd + (v / 1000) * s.cost!.per1kQueriesUsd;
  const out: Array<{ a: string; b: string; maxUsd: number; maxShare: number }> = [];
  for (let i = 0; i < systems.length; i++) {
    for (let j = i + 1; j < systems.length; j++) {
      let maxUsd = 0;
      let maxShare = 0;
      for (const v of volumes) {
        const a = monthly(systems[i], v);
        const b = monthly(systems[j], v);
        maxUsd = Math.max(maxUsd, Math.abs(a - b));
        maxShare = Math.max(maxShare, Math.abs(a - b) / Math.max(a, b, 1e-12));
      }
      if (maxShare <= 0.03) out.push({ a: systems[i].id, b: systems[j].id, maxUsd, maxShare });
    }
  }
  return out;
}

export function costChart(run: RunSummary): Chart | null {
  const priced = run.systems.filter((s) => s.cost);
  if (priced.length === 0) return null;
  const volume = workloadOf(run).monthlyQueries;
  const lo = 100;
  const hi = Math.max(1e8, (volume ?? 0) * 100);
  const steps = 48;
  const volumes = Array.from({ length: steps + 1 }, (_, i) => lo * Math.pow(hi / lo, i / steps));
  const rows = priced.flatMap((s) => volumes.map((v) => ({ system: s.id, volume: v, monthly: s.cost!.monthlyFixedUsd + (v / 1000) * s.cost!.per1kQueriesUsd })));
  const crossings = costCrossovers(priced).filter((c) => c.monthlyQueries >= lo && c.monthlyQueries <= hi);
  const logY = rows.every((r) => r.monthly > 0);
  const layers: unknown[] = [
    {
      mark: { type: 'line', strokeWidth: 2.5 },
      encoding: {
        x: { field: 'volume', type: 'quantitative', title: 'Queries per month (log scale)', scale: { type: 'log' }, axis: { format: '~s', tickCount: 7, gridOpacity: 0.6 } },
        y: { field: 'monthly', type: 'quantitative', title: `Monthly cost, USD${logY ? ' (log scale)' : ''}`, scale: { type: logY ? 'log' : 'linear' }, axis: { format: '$,~g', tickCount: 6, gridOpacity: 0.6 } },
        color: systemColor(run),
        strokeDash: { field: 'system', type: 'nominal', title: 'System', scale: { domain: run.systems.map((s) => s.id) } },
      },
    },
  ];
  // Markers, staggered per system, so two lines that lie on top of each other (rag and rag-fine-tuned often differ
  // only by the custom model's storage) are still told apart; each system's shape is in the legend.
  const ids = priced.map((p) => p.id);
  const MARK_EVERY = 8;
  layers.push({
    data: { values: rows.filter((r, i) => (i % (steps + 1)) % MARK_EVERY === (ids.indexOf(r.system) * 3) % MARK_EVERY) },
    mark: { type: 'point', filled: true, size: 70, opacity: 1 },
    encoding: {
      x: { field: 'volume', type: 'quantitative', scale: { type: 'log' } },
      y: { field: 'monthly', type: 'quantitative', scale: { type: logY ? 'log' : 'linear' } },
      color: systemColor(run),
      shape: { field: 'system', type: 'nominal', title: 'System', scale: { domain: run.systems.map((s) => s.id) } },
    },
  });
  if (crossings.length) {
    layers.push({
      data: { values: crossings.map((c) => ({ volume: c.monthlyQueries, monthly: c.monthlyUsd, pair: `${c.a} = ${c.b}` })) },
      mark: { type: 'point', shape: 'diamond', size: 110, filled: true, color: '#000' },
      encoding: { x: { field: 'volume', type: 'quantitative' }, y: { field: 'monthly', type: 'quantitative' } },
    });
  }
  if (volume) {
    layers.push({ data: { values: [{ volume }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#555' }, encoding: { x: { field: 'volume', type: 'quantitative' } } });
  }
  const close = closeCostLines(priced, volumes);
  const summaryClose = close.length
    ? ` ${close.map((c) => `${c.a} and ${c.b} differ by at most ${usd(c.maxUsd)} a month (${(c.maxShare * 100).toFixed(1)}%) in this range, so their lines overlap; the markers (${c.a} and ${c.b} have different shapes) tell them apart`).join('; ')}.`
    : '';
  const summaryCross = crossings.length
    ? `Cost lines cross (black diamonds) at: ${crossings.map((c) => `${c.a} and ${c.b} at ${count(Math.round(c.monthlyQueries))} queries/month (${usd(c.monthlyUsd)})`).join('; ')}.`
    : 'No two cost lines cross in this range: the cheaper system stays cheaper at every volume.';
  return {
    id: 'chart-cost',
    title: 'Monthly cost against query volume',
    summary: `Monthly cost of each system as query volume grows (fixed monthly cost plus cost per 1,000 queries; one-time costs excluded).${volume ? ` The dashed vertical line is the configured volume, ${count(volume)} queries/month.` : ''} ${summaryCross}${summaryClose}`,
    svg: vegaLiteToSvg({ width: WIDTH, height: 300, data: { values: rows }, layer: layers } as unknown as TopLevelSpec),
    table: {
      caption: 'Cost model per system',
      columns: ['System', 'Fixed per month', 'Per 1,000 queries', volume ? `Monthly at ${count(volume)}` : 'Monthly total', 'One-time'],
      rows: priced.map((s) => [s.id, usd(s.cost!.monthlyFixedUsd), usd(s.cost!.per1kQueriesUsd), usd(s.cost!.monthlyTotalUsd), usd(s.cost!.oneTimeUsd)]),
    },
  };
}

export function lossChart(run: RunSummary): Chart | null {
  // Systems that share one custom model (fine-tuned and rag-fine-tuned) share one training run: draw it once.
  const byModel = new Map<string, { systems: string[]; training: NonNullable<SystemSummary['training']> }>();
  for (const s of run.systems) {
    const t = s.training;
    if (!t || !(t.trainingLoss?.length || t.validationLoss?.length)) continue;
    const key = t.customModelArn ?? t.jobArn ?? s.id;
    const entry = byModel.get(key);
    if (entry) entry.systems.push(s.id);
    else byModel.set(key, { systems: [s.id], training: t });
  }
  if (byModel.size === 0) return null;
  const rows: Array<{ series: string; step: number; epoch: number; loss: number }> = [];
  for (const { systems, training } of byModel.values()) {
    const label = byModel.size > 1 ? `${systems.join(' / ')} ` : '';
    for (const p of training.trainingLoss ?? []) rows.push({ series: `${label}training`, ...p });
    for (const p of training.validationLoss ?? []) rows.push({ series: `${label}validation`, ...p });
  }
  const last = (pts?: Array<{ loss: number }>) => (pts?.length ? pts[pts.length - 1].loss.toFixed(3) : '—');
  // The job's own figure (trainingMetrics.trainingLoss, what `ftrag run` and `ftrag train` print) when recorded;
  // else the last step of the curve, said to be that.
  const finalTraining = (t: NonNullable<SystemSummary['training']>) =>
    t.finalTrainingLoss !== undefined ? `${t.finalTrainingLoss.toFixed(3)} as the job reported it` : `${last(t.trainingLoss)} at the last step`;
  return {
    id: 'chart-loss',
    title: 'Fine-tuning loss',
    summary: `Training and validation loss by step for ${[...byModel.values()].map((e) => `${e.systems.join(' and ')} (final training loss ${finalTraining(e.training)}, final validation loss ${last(e.training.validationLoss)})`).join('; ')}. Validation loss that rises while training loss falls would mean over-fitting.`,
    svg: vegaLiteToSvg({
      width: WIDTH,
      height: 240,
      data: { values: rows },
      mark: { type: 'line', point: true, strokeWidth: 2 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'Step' },
        y: { field: 'loss', type: 'quantitative', title: 'Loss', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: 'Series' },
        strokeDash: { field: 'series', type: 'nominal', title: 'Series' },
      },
    } as unknown as TopLevelSpec),
    table: {
      caption: 'Loss by epoch (last step of each epoch)',
      columns: ['Series', 'Epoch', 'Step', 'Loss'],
      rows: lastPerEpoch(rows).map((r) => [r.series, String(r.epoch), String(r.step), r.loss.toFixed(3)]),
    },
  };
}

function lastPerEpoch<T extends { series: string; epoch: number }>(rows: T[]): T[] {
  const map = new Map<string, T>();
  for (const r of rows) map.set(`${r.series}\u0000${r.epoch}`, r);
  return [...map.values()];
}

function bestOn(run: RunSummary, metric: string): SystemSummary | undefined {
  return [...run.systems].filter((s) => s.metrics[metric]).sort((a, b) => b.metrics[metric].mean - a.metrics[metric].mean)[0];
}

export function allCharts(run: RunSummary, latencies: ReadonlyMap<string, ArrayLike<number> & Iterable<number>>): Chart[] {
  return [qualityChart, categoryChart, (r: RunSummary) => latencyChart(r, latencies), tokensChart, costChart, lossChart].map((f) => f(run)).filter((c): c is Chart => c !== null);
}
