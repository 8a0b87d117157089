/**
 * The report section for metrics imported from Amazon Bedrock Evaluations (`ftrag import bedrock-eval`): the judge's
 * scores per system with their intervals, the paired comparisons on them, the verdict each would give, and how the
 * records were mapped back (manifest line order, prompt text, mismatches, what the job did not return).
 * The scoreboard keeps ftrag's own metrics (and the primary, if an imported metric decides the verdict), so it stays
 * readable at 900 px; the imported columns live here.
 */
import type { RunSummary } from '../schema/run-result.js';
import { markdownCell as cell, markdownText as text } from './escape.js';
import { escapeHtml as e } from './escape.js';
import { count, difference, differenceInterval, interval, pct, pValue } from './format.js';

type Import = NonNullable<RunSummary['imports']>[number];

const importedNames = (run: RunSummary) => new Set((run.imports ?? []).flatMap((i) => i.metrics.map((m) => m.name)));

/** The metrics the scoreboard shows: the primary first, then ftrag's own (imported ones have their own section). */
export function scoreboardMetrics(run: RunSummary): string[] {
  const imported = importedNames(run);
  return [run.primaryMetric, ...run.metrics.filter((m) => m !== run.primaryMetric && !imported.has(m))];
}

function mappingSentence(imp: Import): string {
  const records = imp.files.reduce((n, f) => n + f.records, 0);
  const byLine = imp.files.reduce((n, f) => n + f.byLineOrder, 0);
  const how = imp.manifest
    ? `${count(byLine)} matched by the export manifest's line order, ${count(records - byLine)} by prompt text${imp.mismatchCount ? ` (${count(imp.mismatchCount)} did not match their line's item)` : ''}`
    : 'every record matched by its prompt text (no export manifest was given)';
  const skipped = imp.skippedMetrics.map((s) => `${s.bedrockName} not imported: ${s.reason}.`).join(' ');
  return `Imported ${imp.importedAt.slice(0, 10)} from ${count(imp.files.length)} job output file${imp.files.length === 1 ? '' : 's'}, ${count(records)} records: ${how}. These are the evaluator model's scores, not ftrag's own scoring.${skipped ? ` ${skipped}` : ''}`;
}

function gaps(m: Import['metrics'][number], system: string): string {
  return [
    m.notReturned[system] ? `${m.notReturned[system]} not returned` : '',
    m.notApplicable[system] ? `${m.notApplicable[system]} n/a` : '',
    m.failedAsZero[system] ? `${m.failedAsZero[system]} failed = 0` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The verdict on one imported metric; a metric judged on only some systems decides only among them, and says so. */
export function verdictText(v: Import['verdicts'][number], imp: Import, run: RunSummary): string {
  const among = imp.metrics.find((m) => m.name === v.metric)?.systems ?? [];
  const subset = among.length < run.systems.length ? ` (among ${among.join(', ')} only: the others were not judged on it)` : '';
  return `${v.choice}${v.systemId && v.systemId !== v.choice ? ` (${v.systemId})` : ''}, ${v.confidence} confidence${subset}`;
}

export function importedHtml(run: RunSummary): string {
  if (!run.imports?.length) return '';
  const parts = run.imports.map((imp) => {
    const head = imp.metrics.map((m) => `<th scope="col">${e(m.name)}<div class="sub">${e(m.bedrockName)}${m.higherIsBetter ? '' : ' · lower is better'}</div></th>`).join('');
    const rows = run.systems
      .map((s) => {
        const cells = imp.metrics.map((m) => {
          const sum = s.metrics[m.name];
          if (!sum || !m.systems.includes(s.id)) return '<td class="num">—</td>';
          const g = gaps(m, s.id);
          return `<td class="num">${pct(sum.mean)}<div class="sub">${interval(sum.ci95)} · n=${count(sum.n)}</div>${g ? `<div class="sub">${e(g)}</div>` : ''}</td>`;
        });
        return `<tr><th scope="row"><span class="sys">${e(s.id)}</span></th>${cells.join('')}</tr>`;
      })
      .join('\n');
    const names = new Set(imp.metrics.map((m) => m.name));
    const cmp = run.comparisons
      .filter((c) => names.has(c.metric) && c.category === undefined)
      .map((c) => `<tr${c.significant ? ' class="sig"' : ''}><th scope="row">${e(c.a)} − ${e(c.b)}</th><td>${e(c.metric)}</td><td class="num">${count(c.n)}</td><td class="num">${difference(c.metric, c.difference)}</td><td class="num">${differenceInterval(c.metric, c.ci95)}</td><td class="num">${pValue(c.pAdjusted)}</td><td>${c.significant ? '<strong>yes</strong>' : 'no'}</td><td>${c.equivalence?.equivalent ? '<strong>yes</strong>' : 'no'}</td></tr>`)
      .join('\n');
    const verdicts = imp.verdicts.map((v) => `<li><strong>${e(v.metric)}</strong>: ${e(verdictText(v, imp, run))}. ${e(v.headline)}</li>`).join('');
    const moved = imp.primaryMetricBefore ? `<p><strong>The verdict at the top is decided on ${e(run.primaryMetric)}</strong> (imported); the run was first decided on ${e(imp.primaryMetricBefore)}.</p>` : '';
    return `<p>${e(mappingSentence(imp))}</p>
${moved}
<div class="scroll"><table class="imported"><caption>Evaluator scores per system (mean, 95% interval, items scored)</caption>
<thead><tr><th scope="col">System</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
${cmp ? `<div class="scroll"><table class="cmp"><caption>Paired differences on the imported metrics, whole set (Holm within each metric)</caption>
<thead><tr><th scope="col">Pair</th><th scope="col">Metric</th><th scope="col">Items</th><th scope="col">Difference</th><th scope="col">95% interval</th><th scope="col">p adjusted</th><th scope="col">Significant</th><th scope="col">Equivalent</th></tr></thead>
<tbody>
${cmp}
</tbody></table></div>` : ''}
${verdicts ? `<h3>The verdict on each imported metric</h3><ul>${verdicts}</ul>` : ''}`;
  });
  return `<section id="imported" aria-labelledby="imported-h">
<h2 id="imported-h">Amazon Bedrock Evaluations metrics</h2>
${parts.join('\n')}
</section>`;
}

export function importedMarkdown(run: RunSummary): string[] {
  if (!run.imports?.length) return [];
  const out: string[] = ['', '## Amazon Bedrock Evaluations metrics', ''];
  for (const imp of run.imports) {
    out.push(text(mappingSentence(imp)), '');
    const head = ['System', ...imp.metrics.map((m) => `${cell(m.name)}${m.higherIsBetter ? '' : ' (lower is better)'}`)];
    out.push(`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
    for (const s of run.systems) {
      const cells = imp.metrics.map((m) => {
        const sum = s.metrics[m.name];
        return sum && m.systems.includes(s.id) ? `${pct(sum.mean)} (${interval(sum.ci95)}, n=${count(sum.n)})` : '—';
      });
      out.push(`| ${cell(s.id)} | ${cells.join(' | ')} |`);
    }
    const names = new Set(imp.metrics.map((m) => m.name));
    const sig = run.comparisons.filter((c) => names.has(c.metric) && c.category === undefined && c.significant);
    out.push('', `${sig.length} of ${run.comparisons.filter((c) => names.has(c.metric) && c.category === undefined).length} whole-set paired comparisons on these metrics are significant (Holm-adjusted p < 0.05)${sig.length ? ':' : '.'}`);
    for (const c of sig) out.push(`- ${cell(c.a)} − ${cell(c.b)} on ${cell(c.metric)}: ${difference(c.metric, c.difference)} (${differenceInterval(c.metric, c.ci95)}), p adjusted ${pValue(c.pAdjusted)}`);
    if (imp.verdicts.length) {
      out.push('', 'Verdict on each imported metric:');
      for (const v of imp.verdicts) out.push(`- ${cell(v.metric)}: ${text(verdictText(v, imp, run))}`);
    }
  }
  return out;
}
