/** The static sections of report.html. Every value that came from a run (ids, text, numbers) goes through escapeHtml. */
import type { RunSummary, SystemSummary } from '../schema/run-result.js';
import { escapeHtml as e } from './escape.js';
import { endpointBanner, reportWarnings, workloadOf } from './findings.js';
import { count, difference, differenceInterval, interval, ms, pct, points, pValue, systemLabel, usd } from './format.js';
import { decisionLatency, latencyDetails, streamingLabel } from './latency-labels.js';
import { retryDetail } from './reliability.js';
import { scoreboardMetrics } from './imported.js';

/**
 * The model a system calls, short enough for the System column: an ARN shows its resource (`custom-model-deployment/
 * abc123`) on one line, the full ARN in the tooltip and in the methods section.
 */
function modelLabel(modelId: string): string {
  const arn = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(.+)$/.exec(modelId);
  if (!arn) return `<span class="model">${e(modelId)}</span>`;
  return `<span class="model arn" title="${e(modelId)}">${e(arn[1])}</span>`;
}

export function verdictSection(run: RunSummary): string {
  const rec = run.recommendation;
  const headline = rec
    ? `<p class="headline">${e(rec.headline)}</p>
<p class="confidence">Recommendation: <strong>${e(rec.choice)}</strong>${rec.systemId ? ` (system <code>${e(rec.systemId)}</code>)` : ''} · confidence <strong class="conf-${e(rec.confidence)}">${e(rec.confidence)}</strong></p>`
    : '<p class="headline">No recommendation was computed for this run.</p>';
  const reasons = rec?.reasons.length ? `<h3>Why</h3><ul class="reasons">${rec.reasons.slice(0, 5).map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '';
  const bannerText = endpointBanner(run);
  const banner = bannerText ? `<div class="banner" role="note"><strong>${run.endpoint.kind === 'aws' ? 'Not Amazon Bedrock.' : 'Emulated run.'}</strong> ${e(bannerText)}</div>` : '';
  const warnings = reportWarnings(run);
  const warn = warnings.length ? `<div class="warnings" role="note"><h3>Read with care</h3><ul>${warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul></div>` : '';
  return `<section id="verdict" aria-labelledby="verdict-h" class="verdict">
<h2 id="verdict-h">Verdict</h2>
${headline}
${banner}
${reasons}
${warn}
</section>`;
}

function metricCell(s: SystemSummary, metric: string): string {
  const m = s.metrics[metric];
  return m ? `<td class="num">${pct(m.mean)}<div class="sub">${interval(m.ci95)}</div></td>` : '<td class="num">—</td>';
}

/** Service p50/p95 when the service reported it (else client), labelled, with the other figures underneath. */
function latencyCell(s: SystemSummary, slo: number | undefined): string {
  const { basis, p } = decisionLatency(s);
  const over = slo !== undefined && p.n > 0 && p.p95 > slo;
  const mode = streamingLabel(s);
  const main = p.n === 0 ? '—' : `${ms(p.p50)} / ${ms(p.p95)}<div class="sub">${basis}${mode ? `, ${mode}` : ''}</div>`;
  const subs = latencyDetails(s).map((d) => `<div class="sub">${e(d)}</div>`).join('');
  const retries = `<div class="sub${s.retries > 0 ? ' retried' : ''}">${e(retryDetail(s))}</div>`;
  return `<td class="num${over ? ' bad' : ''}">${main}${over ? `<div class="sub">${basis} p95 over the ${ms(slo)} objective</div>` : ''}${subs}${retries}</td>`;
}

export function scoreboardSection(run: RunSummary): string {
  const metrics = scoreboardMetrics(run);
  const volume = workloadOf(run).monthlyQueries;
  const slo = workloadOf(run).latencySloMs;
  const head = [
    '<th scope="col">System</th>',
    ...metrics.map((m) => `<th scope="col">${e(m)}${m === run.primaryMetric ? ' <span class="sub">(primary)</span>' : ''}</th>`),
    '<th scope="col">Latency p50 / p95<div class="sub">service time when reported; client, first token and retries below</div></th>',
    '<th scope="col">Tokens in / out<div class="sub">mean per query</div></th>',
    '<th scope="col">Per 1,000 queries</th>',
    `<th scope="col">Monthly cost${volume !== undefined ? `<div class="sub">at ${count(volume)} queries</div>` : ''}</th>`,
    '<th scope="col">One-time cost</th>',
    '<th scope="col">Errors</th>',
  ].join('');
  const recommended = run.recommendation?.systemId;
  const label = (id: string) => {
    const l = systemLabel(run, id);
    return l ? `<div class="syslabel">${e(l)}</div>` : '';
  };
  const rows = run.systems
    .map((s) => {
      const c = s.cost;
      const est = s.tokens.estimated ? ' <span class="flag" title="estimated with the tokenizer">est.</span>' : '';
      return `<tr${s.id === recommended ? ' class="recommended"' : ''}>
<th scope="row"${/^arn:/.test(s.modelId) ? ' class="has-arn"' : ''}><span class="sys">${e(s.id)}</span>${s.id === recommended ? ' <span class="pill">recommended</span>' : ''}${label(s.id)}<div class="sub">${e(s.kind)} · ${modelLabel(s.modelId)}</div></th>
${metrics.map((m) => metricCell(s, m)).join('')}
${latencyCell(s, slo)}
<td class="num">${count(s.tokens.input.mean)} / ${count(s.tokens.output.mean)}${est}</td>
<td class="num">${c ? usd(c.per1kQueriesUsd) : '—'}</td>
<td class="num">${c ? usd(c.monthlyTotalUsd) : '—'}${c ? `<div class="sub">${usd(c.monthlyFixedUsd)} fixed</div>` : ''}</td>
<td class="num">${c ? usd(c.oneTimeUsd) : '—'}</td>
<td class="num${s.errors > 0 ? ' bad' : ''}">${count(s.errors)} of ${count(s.items)}</td>
</tr>`;
    })
    .join('\n');
  return `<section id="scoreboard" aria-labelledby="scoreboard-h">
<h2 id="scoreboard-h">Scoreboard</h2>
<p class="board-note" id="board-note">Quality scores are means on a 0–100% scale with their 95% intervals underneath; latency is the service's own time where it reports one (client wall time otherwise, as labelled), of each call's last attempt, with the retries underneath; cost is in US dollars.</p>
<div class="scroll"><table class="board">
<caption>Every system on the same ${count(run.evalSet.size)} held-out questions</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
</section>`;
}

export function categorySection(run: RunSummary): string {
  const rec = run.recommendation;
  if (!rec) return '';
  const cats = Object.entries(rec.byCategory);
  const table = cats.length
    ? `<div class="scroll"><table><caption>Verdict per task category</caption>
<thead><tr><th scope="col">Category</th><th scope="col">Choice</th><th scope="col">Confidence</th><th scope="col">Why</th></tr></thead>
<tbody>${cats
        .map(([cat, v]) => `<tr><th scope="row">${e(cat)}</th><td>${e(v.choice)}${v.systemId ? ` <span class="sub">(${e(v.systemId)})</span>` : ''}</td><td>${e(v.confidence)}</td><td>${v.reasons.map((r) => e(r)).join('<br>')}</td></tr>`)
        .join('')}</tbody></table></div>`
    : '';
  const be = rec.breakEven.length
    ? `<h3>Break-even volumes</h3><ul>${rec.breakEven
        .map((b) => `<li><strong>${e(b.a)}</strong> vs <strong>${e(b.b)}</strong>: ${b.monthlyQueries === null ? 'never' : `${count(b.monthlyQueries)} queries/month`}. ${e(b.note)}</li>`)
        .join('')}</ul>`
    : '';
  const change = rec.whatWouldChange.length ? `<h3>What would change the verdict</h3><ul>${rec.whatWouldChange.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '';
  return `<section id="categories" aria-labelledby="categories-h">
<h2 id="categories-h">By category, break-even and sensitivity</h2>
${table}
${be}
${change}
</section>`;
}

export function comparisonsSection(run: RunSummary): string {
  if (run.comparisons.length === 0) return '';
  // The comparisons that decide the verdict (primary metric, whole set) come first, so the table reads like the headline.
  const deciding = (c: RunSummary['comparisons'][number]) => Number(c.metric === run.primaryMetric && c.category === undefined);
  const sorted = [...run.comparisons].sort((x, y) => deciding(y) - deciding(x) || Number(y.significant) - Number(x.significant) || x.pAdjusted - y.pAdjusted);
  const rows = sorted
    .map(
      (c) => `<tr${c.significant ? ' class="sig"' : ''}><th scope="row">${e(c.a)} − ${e(c.b)}</th><td>${e(c.metric)}</td><td>${c.category === undefined ? 'all' : e(c.category)}</td>
<td class="num">${count(c.n)}</td><td class="num">${difference(c.metric, c.difference)}</td><td class="num">${differenceInterval(c.metric, c.ci95)}</td>
<td class="num">${pValue(c.pValue)}</td><td class="num">${pValue(c.pAdjusted)}</td><td>${e(c.method)}</td><td>${c.significant ? '<strong>yes</strong>' : 'no'}</td><td>${c.equivalence ? (c.equivalence.equivalent ? `<strong>yes</strong> (±${points(c.equivalence.margin).replace('+', '')})` : 'no') : '—'}</td></tr>`,
    )
    .join('\n');
  const nSig = run.comparisons.filter((c) => c.significant).length;
  return `<section id="comparisons" aria-labelledby="comparisons-h">
<h2 id="comparisons-h">Comparisons</h2>
<p>${nSig} of ${run.comparisons.length} paired comparisons are significant after Holm correction (adjusted p &lt; 0.05). Holm is applied within each family (one metric in one scope); only the primary metric (${e(run.primaryMetric)}) decides the verdict, and its whole-set comparisons come first. Difference is the first system minus the second, in its own unit: points for 0..1 metrics, ms for latency. Equivalent: a paired TOST shows the difference within the margin.</p>
<div class="scroll"><table class="cmp"><caption>Paired differences between systems (significant first)</caption>
<thead><tr><th scope="col">Pair</th><th scope="col">Metric</th><th scope="col">Category</th><th scope="col">Items</th><th scope="col">Difference</th><th scope="col">95% interval</th><th scope="col">p</th><th scope="col">p adjusted</th><th scope="col">Method</th><th scope="col">Significant</th><th scope="col">Equivalent</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
</section>`;
}

function dl(pairs: Array<[string, string]>): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
}

export function methodsSection(run: RunSummary): string {
  const w = workloadOf(run);
  const sources = new Map<string, string>();
  for (const s of run.systems) for (const l of s.cost?.lines ?? []) if (l.source) sources.set(l.source, l.asOf ?? '');
  // Only the unverified prices the systems in this run used, not every unverified entry in the catalog.
  const unverified = new Set(run.systems.flatMap((s) => s.cost?.unverifiedPrices ?? []));
  const assumptions = new Set(run.systems.flatMap((s) => s.cost?.assumptions ?? []));
  const costLines = run.systems
    .filter((s) => s.cost?.lines.length)
    .map((s) => s.cost!.lines.map((l) => `<tr><th scope="row">${e(s.id)}</th><td>${e(l.item)}</td><td>${e(l.period)}</td><td class="num">${usd(l.usd)}</td><td>${e(l.basis)}${l.unverified ? ' <span class="flag">unverified</span>' : ''}</td></tr>`).join(''))
    .join('');
  const cont = run.contamination;
  return `<section id="methods" aria-labelledby="methods-h">
<h2 id="methods-h">Assumptions and methods</h2>
<h3>Run</h3>
${dl([
  ['Run id', run.runId],
  ['Started', run.createdAt],
  ['Finished', run.finishedAt ?? '—'],
  ['Status', run.status],
  ['Tool', `${run.tool.name} ${run.tool.version}`],
  ['Endpoint', `${run.endpoint.kind} (${run.endpoint.region})${run.endpoint.emulated ? ', emulated reference model' : ''}`],
  ['Seed', String(run.seed)],
])}
<h3>Systems</h3>
${dl(run.systems.map((s) => [s.id, `${systemLabel(run, s.id) ? `${systemLabel(run, s.id)}; ` : ''}${s.kind}: ${s.modelId}${s.knowledgeBaseId ? ` + Knowledge Base ${s.knowledgeBaseId}` : ''}`]))}
<h3>Eval set</h3>
${dl([
  ['Name', run.evalSet.name],
  ['File', `${run.evalSet.path} (${run.evalSet.format})`],
  ['Items', count(run.evalSet.size)],
  ['SHA-256', run.evalSet.sha256],
  ['Categories', run.evalSet.categories.join(', ') || '—'],
  ['Metrics', `${run.metrics.join(', ')} (primary: ${run.primaryMetric})`],
])}
<h3>Workload</h3>
${dl([
  ['Queries per month', count(w.monthlyQueries)],
  ['Horizon', w.horizonMonths !== undefined ? `${count(w.horizonMonths)} months` : '—'],
  ['Latency objective (p95)', w.latencySloMs !== undefined ? ms(w.latencySloMs) : 'not set'],
  ['Accuracy target', w.accuracyTarget !== undefined ? `${pct(w.accuracyTarget)} ${run.primaryMetric}` : 'not set'],
  ['Monthly budget', w.monthlyBudgetUsd !== undefined ? usd(w.monthlyBudgetUsd) : 'not set'],
  ['Knowledge change per month', w.knowledgeChangePerMonth !== undefined ? pct(w.knowledgeChangePerMonth) : '—'],
])}
<h3>Prices</h3>
${dl([
  ['Catalog', `${run.priceCatalog.id}, prices as of ${run.priceCatalog.date}`],
  ['Overrides', run.priceCatalog.overrides.join('; ') || 'none'],
  ['Unverified', [...unverified].join('; ') || 'none'],
])}
${sources.size ? `<ul class="sources">${[...sources].map(([src, asOf]) => `<li>${e(src)}${asOf ? ` (as of ${e(asOf)})` : ''}</li>`).join('')}</ul>` : ''}
${assumptions.size ? `<ul>${[...assumptions].map((a) => `<li>${e(a)}</li>`).join('')}</ul>` : ''}
${costLines ? `<div class="scroll"><table><caption>Cost lines</caption><thead><tr><th scope="col">System</th><th scope="col">Item</th><th scope="col">Period</th><th scope="col">USD</th><th scope="col">Basis</th></tr></thead><tbody>${costLines}</tbody></table></div>` : ''}
<h3>Statistics</h3>
<ul>
<li>Intervals on a single system's score: Wilson score interval for exact-match accuracy, bootstrap percentile interval for continuous scores (as recorded per metric in run.json).</li>
<li>Differences between systems are paired (every system answered the same questions): paired bootstrap for continuous scores, McNemar's test for right/wrong outcomes, Wilcoxon signed-rank where recorded.</li>
<li>p-values are adjusted across the whole run with Holm's step-down method; a difference is called significant when the adjusted p is below 0.05.</li>
${run.minimumDetectableDifference ? `<li>Minimum detectable difference (${e(run.minimumDetectableDifference.metric)}, n=${count(run.minimumDetectableDifference.n)}): ${pct(run.minimumDetectableDifference.value)}. ${e(run.minimumDetectableDifference.note)}</li>` : ''}
</ul>
${cont ? `<h3>Contamination check</h3><p>${count(cont.checked)} eval items checked against <code>${e(cont.trainingFile)}</code> (near-duplicate threshold ${cont.threshold}): ${count(cont.exact)} exact, ${count(cont.near)} near duplicates.</p>${cont.pairs.length ? `<ul>${cont.pairs.slice(0, 20).map((p) => `<li>${e(p.itemId)} ≈ training line ${p.trainingLine} (similarity ${p.similarity.toFixed(2)})</li>`).join('')}</ul>` : ''}` : ''}
</section>`;
}
