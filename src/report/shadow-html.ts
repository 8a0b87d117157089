/**
 * report.html of a shadow run: the verdict sentence, agreement with intervals, the agreement distribution (inline
 * SVG), judge preference, refusal and non-answer rates, deltas, cost at the logged traffic, the largest
 * disagreements side by side for a person to read, and what was left out of the logs (file and line). Every logged or
 * generated text is escaped; the same strict CSP as the experiment report forbids every fetch.
 */
import type { ItemResult, RunSummary } from '../schema/run-result.js';
import type { ShadowSummary } from '../schema/shadow.js';
import { escapeHtml as e } from './escape.js';
import { documentHead } from './html-head.js';
import type { ItemStream } from './item-stream.js';

export const DISAGREEMENTS_SHOWN = 20;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ci = (c: [number, number]) => `${pct(c[0])} – ${pct(c[1])}`;
const num = (x: number, d = 1) => (Number.isInteger(x) ? String(x) : x.toFixed(d));
const usd = (x: number) => `$${x < 1 ? x.toFixed(4) : x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 })}`;

function table(head: string[], rows: string[][]): string {
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${e(v)}</th>` : `<td>${e(v)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

function histogramSvg(h: ShadowSummary['histogram']): string {
  const w = 480;
  const hgt = 160;
  const max = Math.max(1, ...h.bins.map((b) => b.count));
  const bw = (w - 40) / h.bins.length;
  const bars = h.bins
    .map((b, i) => {
      const bh = ((hgt - 30) * b.count) / max;
      const x = 30 + i * bw;
      return `<rect x="${x.toFixed(1)}" y="${(hgt - 20 - bh).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${bh.toFixed(1)}" fill="#4a78b5"><title>${e(`${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.count}`)}</title></rect>` +
        `<text x="${(x + bw / 2).toFixed(1)}" y="${hgt - 6}" font-size="10" text-anchor="middle">${b.from.toFixed(1)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${hgt}" width="${w}" height="${hgt}" role="img" aria-label="${e(`Agreement (${h.metric}) per request, in tenths`)}"><line x1="28" y1="${hgt - 20}" x2="${w - 8}" y2="${hgt - 20}" stroke="#333"/>${bars}<text x="2" y="12" font-size="10">${max}</text></svg>`;
}

function rateRow(label: string, r: ShadowSummary['refusal']): string[] {
  return [label, `${pct(r.production.rate)} (${ci(r.production.ci95)})`, `${pct(r.candidate.rate)} (${ci(r.candidate.ci95)})`];
}

function deltaRow(label: string, d: { mean: number; ci95: [number, number]; n: number } | undefined, unit: string): string[] {
  return d ? [label, `${d.mean >= 0 ? '+' : ''}${num(d.mean)} ${unit}`, `${num(d.ci95[0])} to ${num(d.ci95[1])}`, String(d.n)] : [label, 'not measured', '', ''];
}

/** The largest disagreements, lowest score first (ties by id), kept to the few shown while the items stream past. */
async function disagreements(items: ItemStream, s: ShadowSummary): Promise<string> {
  const cand = s.candidate.systemId;
  const metric = s.agreementMetric;
  const rows: Array<{ it: ItemResult; score: number }> = [];
  const before = (a: { it: ItemResult; score: number }, b: { it: ItemResult; score: number }) => a.score - b.score || (a.it.id < b.it.id ? -1 : 1);
  for await (const it of items()) {
    const score = it.results[cand]?.scores[metric];
    if (typeof score !== 'number' || score >= 1) continue;
    const row = { it, score };
    if (rows.length === DISAGREEMENTS_SHOWN && before(row, rows[rows.length - 1]) >= 0) continue;
    let at = rows.length;
    while (at > 0 && before(row, rows[at - 1]) < 0) at--;
    rows.splice(at, 0, row);
    if (rows.length > DISAGREEMENTS_SHOWN) rows.pop();
  }
  if (rows.length === 0) return '<p>No disagreements: every compared answer matches production exactly on this metric.</p>';
  return rows
    .map(({ it, score }) => {
      const c = it.results[cand];
      const reason = c.judgeReasons?.judge_preference;
      return `<article class="pair"><h3>${e(metric)} ${score.toFixed(2)} · <code>${e(it.id)}</code></h3>
<p class="q"><strong>Request:</strong> ${e(it.prompt)}</p>
<div class="side-by-side"><div><h4>Production</h4><pre>${e(it.results.production?.output ?? '')}</pre></div><div><h4>Candidate</h4><pre>${e(c.error ? `(failed: ${c.error.code})` : c.output)}</pre></div></div>
${reason ? `<p class="judge">Judge: ${e(reason)}</p>` : ''}</article>`;
    })
    .join('\n');
}

export async function renderShadowHtml(run: RunSummary, items: ItemStream): Promise<string> {
  const disagreementsHtml = await disagreements(items, run.shadow!);
  const s = run.shadow!;
  const title = `ftrag shadow report: ${s.candidate.systemId} vs production (${s.production.modelId})`;
  const agreementRows = Object.entries(s.agreement).map(([m, a]) => [m, pct(a.mean), ci(a.ci95), String(a.n), a.method ?? '']);
  const j = s.judge;
  const left = [...Object.entries(s.logs.bad.byReason).map(([k, v]) => [`bad: ${k}`, String(v)]), ...Object.entries(s.logs.skipped).map(([k, v]) => [`filtered: ${k}`, String(v)])];
  const examples = [...s.logs.bad.examples.map((b) => ['bad', b.file, String(b.line), b.reason]), ...s.logs.skippedExamples.slice(0, 10).map((b) => ['filtered', b.file, String(b.line), b.reason])];
  const c = s.cost;
  return `${documentHead({
    title,
    extraCss: `.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:1em}.side-by-side pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:.5em}
.pair{border-top:1px solid #ddd;padding-top:.5em}`,
  })}
<body>
<header>
<h1>${e(title)}</h1>
<p class="meta">Shadow run <code>${e(run.runId)}</code> · ${e(run.createdAt)} · ${e(s.logs.compared)} requests compared of ${e(s.logs.usable)} usable · ${e(run.endpoint.emulated ? 'emulated' : `AWS ${run.endpoint.region}`)}</p>
${run.notes.map((n) => `<p class="banner">${e(n)}</p>`).join('\n')}
${s.redacted ? '<p class="banner"><strong>Redacted:</strong> e-mail addresses, phone numbers and card-like numbers are masked in this report and its run.json.</p>' : '<p class="banner">Not redacted: this report shows logged user text as it was. Run with <code>--redact</code> to mask e-mail addresses, phone numbers and card-like numbers.</p>'}
</header>
<main>
<section id="verdict"><h2>Verdict</h2><p class="headline"><strong>${e(s.verdict.headline)}</strong></p><ul>${s.verdict.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul></section>
<section id="agreement"><h2>Agreement with production</h2>
${table(['metric', 'mean', '95% CI', 'n', 'method'], agreementRows)}
<figure><h3>Distribution of ${e(s.histogram.metric)} per request</h3>${histogramSvg(s.histogram)}
<figcaption>${e(s.histogram.bins.map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.count}`).join(' · '))}</figcaption></figure></section>
<section id="judge"><h2>Pairwise judge</h2>${
    j
      ? table(['judge', 'n', 'candidate preferred', 'production preferred', 'ties (orders disagreed)', 'unparseable', 'preference (95% CI)', 'sign test p'], [
          [j.modelId, String(j.n), String(j.wins), String(j.losses), `${j.ties} (${j.inconsistent})`, String(j.unparseable), `${pct(j.preference.mean)} (${ci(j.preference.ci95)})`, j.pValue.toPrecision(3)],
        ])
      : '<p>No judge configured (set <code>judge.modelId</code> in the config). Each pair is judged in both orders; a preference counts only when it survives the swap.</p>'
  }</section>
<section id="behaviour"><h2>Refusals and non-answers</h2>${table(['', 'production', 'candidate'], [rateRow('refusal', s.refusal), rateRow('non-answer', s.nonAnswer)])}</section>
<section id="deltas"><h2>Length, tokens and latency (candidate minus production)</h2>${table(['', 'mean difference', '95% CI', 'n'], [
    deltaRow('answer length', s.deltas.outputChars, 'chars'),
    deltaRow('output tokens', s.deltas.outputTokens, 'tokens'),
    deltaRow('input tokens', s.deltas.inputTokens, 'tokens'),
    deltaRow('service latency', s.deltas.latencyMs, 'ms'),
  ])}</section>
<section id="cost"><h2>Cost at your traffic</h2>
<p>${e(`${s.traffic.requests} requests between ${s.traffic.first} and ${s.traffic.last} (${num(s.traffic.hours)} h): ${num(s.traffic.requestsPerHour.mean)} per hour on average, ${s.traffic.requestsPerHour.peak} in the busiest hour, ${Math.round(s.traffic.monthlyQueries).toLocaleString('en-US')} a month at that rate (744 h).`)}</p>
${table(['', 'model', 'per 1,000 requests', 'fixed per month', 'per month at your traffic', 'missing prices'], [
    ['production', c.production.modelId, usd(c.production.per1kQueriesUsd), usd(c.production.monthlyFixedUsd), usd(c.production.monthlyTotalUsd), c.production.missingPrices.join('; ')],
    ['candidate', c.candidate.modelId, usd(c.candidate.per1kQueriesUsd), usd(c.candidate.monthlyFixedUsd), usd(c.candidate.monthlyTotalUsd), c.candidate.missingPrices.join('; ')],
  ])}
<p>${e(c.differencePct === null ? 'No cost difference given: a price is missing.' : `Candidate: ${c.differencePct >= 0 ? '+' : ''}${c.differencePct.toFixed(1)}% per month.`)} Prices: ${e(run.priceCatalog.id)} (${e(run.priceCatalog.date)}).</p>
${table(['UTC hour', ...Array.from({ length: 24 }, (_, h) => String(h))], [['requests', ...s.traffic.hourOfDay.map(String)]])}</section>
<section id="disagreements"><h2>Largest disagreements</h2>${disagreementsHtml}</section>
<section id="logs"><h2>What was read from the logs</h2>
<p>${e(`${s.logs.records} records in ${s.logs.files} files from ${s.logs.sources.join(', ')}; ${s.logs.usable} usable (production ${s.production.modelId}; operations ${Object.entries(s.production.operations).map(([k, v]) => `${k} ${v}`).join(', ')}); ${s.logs.bad.count} bad.`)}${s.logs.sample ? e(` A reproducible sample of ${s.logs.sample.size} (seed ${s.logs.sample.seed}) was replayed.`) : ''}</p>
${left.length ? table(['left out', 'records'], left) : ''}
${examples.length ? `<details><summary>Records left out, with file and line</summary>${table(['', 'file', 'line', 'reason'], examples)}</details>` : ''}
</section>
<section id="methods"><h2>Methods</h2><ul>
<li>Production's answer, tokens and service latency come from the invocation log; the candidate received the same turns, system prompt and inference settings through ftrag's runner (journal, retries, cache).</li>
<li>Agreement treats production's answer as the only reference: exact and F1 as SQuAD normalizes answers, ROUGE-L F, and embedding cosine when <code>semantic</code> is configured. Intervals: Wilson for exact, seeded percentile bootstrap (10,000 resamples) otherwise.</li>
<li>The judge sees the request and both answers twice, in both orders; a preference counts only when it survives the swap. Preference = (wins + ties/2) / n; the sign test compares wins with losses.</li>
<li>Refusal and non-answer are English phrase patterns at the start of an answer plus Bedrock's filter stop reasons: rates to compare, not per-answer truth.</li>
<li>Nothing but the replay, judge and embedding calls leaves this machine.</li>
</ul></section>
</main>
<footer><p>Generated by ${e(run.tool.name)} ${e(run.tool.version)} from run.json (schema version ${e(run.schemaVersion)}, kind shadow). Regenerate with <code>ftrag report run.json</code>.</p></footer>
</body>
</html>
`;
}
