/**
 * The report's "Fine-tuning risks" section: for every fine-tuned system, over-fitting (loss curves, train/test gap)
 * and catastrophic forgetting (general set against the base model). Rows come from run.json only, so HTML and
 * markdown say the same thing; model output never appears here, and every text is escaped by the caller.
 */
import type { RunSummary, SystemSummary } from '../schema/run-result.js';
import { pct, points, pointsInterval, pValue } from './format.js';

export interface RiskRow {
  system: string;
  overfitting: string;
  trainTestGap: string;
  general: string;
  flags: string[];
}

function gapText(s: SystemSummary): string {
  const t = s.training?.health?.trainPrompts;
  if (!t) return 'not measured';
  return `${pct(t.score)} on ${t.n} training prompts vs ${pct(t.heldOut)} held-out (${t.heldOutSource}): gap ${points(t.gap)}`;
}

function generalText(s: SystemSummary): string {
  const g = s.generalSet;
  if (!g) return 'not measured';
  const verdict = g.forgetting ? (g.beyondTolerance ? `significant loss beyond the ${(g.tolerance * 100).toFixed(1)}-point tolerance` : 'significant loss') : g.significant ? 'significant gain' : 'no significant change';
  const via = g.measuredOn ? ` (its model, ${g.measuredOn})` : '';
  return `${pct(g.mean)} vs ${pct(g.baseMean)} for ${g.baseSystem}${via}: ${points(g.difference)} (95% CI ${pointsInterval(g.ci95)}, p ${pValue(g.pValue)}, n ${g.n}), ${verdict}`;
}

export function fineTuneRiskRows(run: RunSummary): RiskRow[] {
  return run.systems
    .filter((s) => s.training)
    .map((s) => {
      const h = s.training?.health;
      return {
        system: s.id,
        overfitting: !h ? 'not measured' : h.overfitting ? 'flagged' : 'no sign',
        trainTestGap: gapText(s),
        general: generalText(s),
        flags: h?.flags ?? [],
      };
    });
}

export function generalSetSentence(run: RunSummary): string | undefined {
  const g = run.generalSet;
  if (!g) return undefined;
  return `General set: ${g.name} (${g.size} items, ${g.metric}, sha256 ${g.sha256.slice(0, 12)}…), answered by ${g.systems.join(', ')}; paired test of each fine-tuned model against the base model.`;
}

/** The HTML section (empty when no system was fine-tuned). `e` escapes text for HTML. */
export function fineTuneRisksHtml(run: RunSummary, e: (x: unknown) => string): string {
  const rows = fineTuneRiskRows(run);
  if (rows.length === 0) return '';
  const general = generalSetSentence(run);
  const body = rows
    .map((r) => `<tr><th scope="row">${e(r.system)}</th><td>${e(r.overfitting)}</td><td>${e(r.trainTestGap)}</td><td>${e(r.general)}</td></tr>`)
    .join('');
  const flags = rows.flatMap((r) => r.flags.map((f) => `<li><strong>${e(r.system)}</strong>: ${e(f)}</li>`));
  return `<section id="fine-tune-risks" aria-labelledby="fine-tune-risks-h">
<h2 id="fine-tune-risks-h">Fine-tuning risks</h2>
<p>Over-fitting: validation loss rising while training loss falls, validation loss far above training loss, or training prompts answered far better than held-out ones. Forgetting: the fine-tuned model against the base model on a general set.${general ? ` ${e(general)}` : ' No general set was run (add generalSet to the config).'}</p>
<table><caption>Over-fitting and forgetting per fine-tuned system</caption><thead><tr><th scope="col">System</th><th scope="col">Over-fitting</th><th scope="col">Train/test gap</th><th scope="col">General set vs base</th></tr></thead><tbody>${body}</tbody></table>
${flags.length ? `<ul class="flags">${flags.join('')}</ul>` : ''}
</section>`;
}

/** The markdown section lines (none when no system was fine-tuned). */
export function fineTuneRisksMarkdown(run: RunSummary, cell: (x: unknown) => string, text: (x: unknown) => string): string[] {
  const rows = fineTuneRiskRows(run);
  if (rows.length === 0) return [];
  const out = ['', '## Fine-tuning risks', ''];
  const general = generalSetSentence(run);
  out.push(text(general ?? 'No general set was run (add generalSet to the config to check for forgetting).'), '');
  out.push('| System | Over-fitting | Train/test gap | General set vs base |', '|:--|:--|:--|:--|');
  for (const r of rows) out.push(`| ${cell(r.system)} | ${cell(r.overfitting)} | ${cell(r.trainTestGap)} | ${cell(r.general)} |`);
  const flags = rows.flatMap((r) => r.flags.map((f) => `- **${cell(r.system)}**: ${text(f)}`));
  if (flags.length) out.push('', ...flags);
  return out;
}

// The sweep's section lives in sweep.ts; html.ts and markdown.ts import it from here.
export { sweepHtml, sweepMarkdown, sweepRows, type SweepRow } from './sweep.js';
