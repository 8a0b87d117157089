/**
 * report.md: the verdict, the scoreboard and the significant differences, sized for a GitHub step summary.
 * Untrusted text is flattened to one line and stripped of HTML and markdown syntax (escape.ts).
 */
import type { RunSummary } from '../schema/run-result.js';
import { markdownCell as cell, markdownText as text } from './escape.js';
import { endpointBanner, reportWarnings, workloadOf } from './findings.js';
import { count, difference, differenceInterval, interval, ms, pct, points, pValue, runTitle, systemLabel, usd } from './format.js';
import { latencyDetails, latencyFigure } from './latency-labels.js';
import { repricedSentence, vectorStoreMarkdown } from './vector-stores.js';
import { sageMakerMarkdown } from './sagemaker-section.js';
import { retryDetail } from './reliability.js';
import { importedMarkdown, scoreboardMetrics } from './imported.js';
import { renderShadowMarkdown } from './shadow-text.js';
import { fineTuneRisksMarkdown, sweepMarkdown } from './fine-tune-risks.js';

function table(head: string[], rows: string[][], align: Array<'l' | 'r'>): string {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function renderMarkdown(run: RunSummary): string {
  if (run.kind === 'shadow' && run.shadow) return renderShadowMarkdown(run);
  const out: string[] = [];
  const rec = run.recommendation;
  out.push(`# ftrag: ${text(runTitle(run))}`);
  out.push('');
  // Before the verdict: a reader must know the answers came from the reference model before reading any choice.
  const bannerText = endpointBanner(run);
  if (bannerText) {
    out.push(`> **${run.endpoint.kind === 'aws' ? 'Not Amazon Bedrock.' : 'Emulated run.'}** ${text(bannerText)}`);
    out.push('');
  }
  const repriced = repricedSentence(run);
  if (repriced) out.push(`> **${text(repriced)}**`, '');
  if (rec) {
    out.push(`**Verdict:** ${text(rec.headline)}`);
    out.push('');
    out.push(`Choice: **${text(rec.choice)}**${rec.systemId ? ` (\`${cell(rec.systemId).replace(/`/g, '')}\`)` : ''} · confidence **${text(rec.confidence)}**`);
    if (rec.reasons.length) {
      out.push('');
      for (const r of rec.reasons.slice(0, 5)) out.push(`- ${text(r)}`);
    }
  } else {
    out.push('**Verdict:** no recommendation was computed for this run.');
  }

  out.push('', '## Scoreboard', '');
  const metrics = scoreboardMetrics(run);
  const volume = workloadOf(run).monthlyQueries;
  out.push(
    table(
      ['System', 'Kind', ...metrics.map((m) => `${cell(m)} (95% CI)`), 'p50 / p95', 'Tokens in / out', '$ / 1k queries', volume !== undefined ? `$ / month @ ${count(volume)}` : '$ / month', 'Errors'],
      run.systems.map((s) => [
        `${cell(s.id)}${systemLabel(run, s.id) ? ` (${cell(systemLabel(run, s.id)!)})` : ''}${s.id === rec?.systemId ? ' ✅' : ''}`,
        cell(s.kind),
        ...metrics.map((m) => (s.metrics[m] ? `${pct(s.metrics[m].mean)} (${interval(s.metrics[m].ci95)})` : '—')),
        [latencyFigure(s), ...latencyDetails(s), retryDetail(s)].join('; '),
        `${count(s.tokens.input.mean)} / ${count(s.tokens.output.mean)}${s.tokens.estimated ? ' (est.)' : ''}`,
        s.cost ? usd(s.cost.per1kQueriesUsd) : '—',
        s.cost ? usd(s.cost.monthlyTotalUsd) : '—',
        `${count(s.errors)} / ${count(s.items)}`,
      ]),
      ['l', 'l', ...metrics.map(() => 'r' as const), 'r', 'r', 'r', 'r', 'r'],
    ),
  );

  const sig = run.comparisons.filter((c) => c.significant).sort((a, b) => a.pAdjusted - b.pAdjusted);
  out.push('', '## Significant differences', '');
  if (sig.length === 0) {
    out.push(`None of the ${run.comparisons.length} paired comparisons is significant after Holm correction.`);
  } else {
    out.push(
      table(
        ['Pair (a − b)', 'Metric', 'Category', 'Difference', '95% CI', 'p adjusted', 'Method'],
        sig.map((c) => [`${cell(c.a)} − ${cell(c.b)}`, cell(c.metric), c.category === undefined ? 'all' : cell(c.category), difference(c.metric, c.difference), differenceInterval(c.metric, c.ci95), pValue(c.pAdjusted), cell(c.method)]),
        ['l', 'l', 'l', 'r', 'r', 'r', 'l'],
      ),
    );
    out.push('', `${sig.length} of ${run.comparisons.length} comparisons significant (Holm-adjusted p < 0.05).`);
  }

  out.push(...importedMarkdown(run));
  out.push(...vectorStoreMarkdown(run));
  out.push(...sageMakerMarkdown(run));
  out.push(...sweepMarkdown(run, cell));
  out.push(...fineTuneRisksMarkdown(run, cell, text));

  const warnings = reportWarnings(run);
  if (warnings.length) {
    out.push('', '## Read with care', '');
    for (const w of warnings) out.push(`- ${text(w)}`);
  }
  out.push('', `<sub>Run ${cell(run.runId)} · ${text(run.createdAt)} · ${text(run.tool.name)} ${text(run.tool.version)} · eval set sha256 ${text(run.evalSet.sha256.slice(0, 12))}…</sub>`, '');
  return out.join('\n');
}
