/**
 * The report's hyperparameter-sweep section (HTML and markdown): every point's losses, its validation score with
 * its interval (score-based selection), its own over-fitting flags, and which point was served and why.
 */
import type { RunSummary } from '../schema/run-result.js';

export interface SweepRow {
  system: string;
  point: number;
  hyperParameters: string;
  finalTrainingLoss?: number;
  finalValidationLoss?: number;
  score?: { metric: string; mean: number; ci95: [number, number]; n: number };
  flags: string[];
  chosen: boolean;
}

interface SweepBlock {
  system: string;
  selectedBy: string;
  reason?: string;
  validation?: string;
  rows: SweepRow[];
}

/** Every swept model's points (a model borrowed through generatorFrom is listed once). */
function sweepBlocks(run: RunSummary): SweepBlock[] {
  const seen = new Set<string>();
  const blocks: SweepBlock[] = [];
  for (const s of run.systems) {
    const sweep = s.training?.sweep;
    const key = s.training?.customModelArn ?? s.id;
    if (!sweep || seen.has(key)) continue;
    seen.add(key);
    const v = sweep.validation;
    blocks.push({
      system: s.id,
      selectedBy: sweep.selectedBy,
      reason: sweep.reason,
      validation: v ? (v.source === 'split' ? `a validation split of the training data (${v.records} records held out, ${v.trainingRecords ?? '?'} trained on)` : `the validation file (${v.records} records)`) : undefined,
      rows: sweep.points.map((p) => ({
        system: s.id,
        point: p.index + 1,
        hyperParameters: Object.entries(p.hyperParameters).map(([k, x]) => `${k}=${x}`).join(', '),
        finalTrainingLoss: p.finalTrainingLoss,
        finalValidationLoss: p.finalValidationLoss,
        score: p.validationScore,
        flags: p.health?.flags ?? [],
        chosen: p.chosen,
      })),
    });
  }
  return blocks;
}

export function sweepRows(run: RunSummary): SweepRow[] {
  return sweepBlocks(run).flatMap((b) => b.rows);
}

const loss = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));
const score = (r: SweepRow) => (r.score ? `${r.score.mean.toFixed(3)} [${r.score.ci95[0].toFixed(3)}, ${r.score.ci95[1].toFixed(3)}]` : '—');
const health = (r: SweepRow) => (r.flags.length ? `over-fitting: ${r.flags.length} flag(s)` : 'no flag');

const RULES: Record<string, string> = {
  'validation-loss': 'the lowest final validation loss',
  'validation-score': 'the highest validation score',
  'loss-then-score': 'the lowest final validation loss, near-ties settled by the validation score',
  'score-then-loss': 'the highest validation score, near-ties settled by the validation loss',
};

/** Two small bar panels per point: final validation loss (lower is better) and validation score with its interval. */
function sweepChart(rows: SweepRow[], e: (x: unknown) => string): string {
  const max = Math.max(1e-9, ...rows.map((r) => r.finalValidationLoss ?? 0));
  const scored = rows.some((r) => r.score);
  const h = 18;
  const scoreX = 470;
  const width = scored ? 760 : 420;
  const bars = rows
    .map((r, i) => {
      const y = i * h;
      const w = Math.max(1, Math.round(((r.finalValidationLoss ?? 0) / max) * 220));
      const fill = r.chosen ? '#1f4e79' : '#9db7d5';
      const flag = r.flags.length ? ' ⚠' : '';
      let out = `<text x="0" y="${y + 13}" font-size="11">${e(`${r.system} #${r.point}${flag}`)}</text><rect x="120" y="${y + 3}" width="${w}" height="${h - 6}" fill="${fill}"><title>${e(`${r.hyperParameters}: validation loss ${loss(r.finalValidationLoss)}; ${health(r)}`)}</title></rect><text x="${126 + w}" y="${y + 13}" font-size="11">${e(loss(r.finalValidationLoss))}${r.chosen ? ' (chosen)' : ''}</text>`;
      if (r.score) {
        const sx = (v: number) => scoreX + Math.round(Math.min(1, Math.max(0, v)) * 200);
        out += `<rect x="${scoreX}" y="${y + 3}" width="${Math.max(1, sx(r.score.mean) - scoreX)}" height="${h - 6}" fill="${fill}"><title>${e(`${r.score.metric} ${score(r)} on ${r.score.n} validation records`)}</title></rect><line x1="${sx(r.score.ci95[0])}" x2="${sx(r.score.ci95[1])}" y1="${y + h / 2}" y2="${y + h / 2}" stroke="#000" stroke-width="1.5"/><text x="${scoreX + 208}" y="${y + 13}" font-size="11">${e(r.score.mean.toFixed(3))}</text>`;
      }
      return out;
    })
    .join('');
  const label = scored ? 'Final validation loss and validation score per sweep point' : 'Final validation loss per sweep point';
  const caption = scored
    ? "Left: final validation loss (the job's validation_metrics.csv; lower is better). Right: score answering the validation records (0 to 1, line = 95% interval). The darker bars are the point served; ⚠ marks a point with an over-fitting flag."
    : "Final validation loss per sweep point (the job's validation_metrics.csv; lower is better). The darker bar is the point served; ⚠ marks a point with an over-fitting flag.";
  return `<figure><svg role="img" aria-label="${label}" width="${width}" height="${rows.length * h + 4}" viewBox="0 0 ${width} ${rows.length * h + 4}">${bars}</svg><figcaption>${caption}</figcaption></figure>`;
}

export function sweepHtml(run: RunSummary, e: (x: unknown) => string): string {
  const blocks = sweepBlocks(run);
  if (blocks.length === 0) return '';
  const rows = blocks.flatMap((b) => b.rows);
  const scored = rows.some((r) => r.score);
  const why = blocks
    .map((b) => `<li>${e(b.system)}: chosen by ${e(RULES[b.selectedBy] ?? b.selectedBy)}${b.validation ? ` on ${e(b.validation)}` : ''}${b.reason ? `: ${e(b.reason)}` : ''}.</li>`)
    .join('');
  const body = rows
    .map(
      (r) =>
        `<tr><th scope="row">${e(`${r.system} #${r.point}`)}</th><td>${e(r.hyperParameters)}</td><td>${e(loss(r.finalTrainingLoss))}</td><td>${e(loss(r.finalValidationLoss))}</td>${scored ? `<td>${e(score(r))}</td>` : ''}<td>${r.flags.length ? `<ul>${r.flags.map((f) => `<li>${e(f)}</li>`).join('')}</ul>` : 'no flag'}</td><td>${r.chosen ? 'served' : ''}</td></tr>`,
    )
    .join('');
  return `<section id="sweep" aria-labelledby="sweep-h">
<h2 id="sweep-h">Hyperparameter sweep</h2>
<p>Each point is one customization job, chosen on validation evidence only (the test set plays no part in the choice). The sweep's other jobs${scored ? ' and the calls that scored every point' : ''} are in the one-time cost.</p>
<ul>${why}</ul>
${sweepChart(rows, e)}
<table><caption>Sweep points</caption><thead><tr><th scope="col">Point</th><th scope="col">Hyperparameters</th><th scope="col">Final training loss</th><th scope="col">Final validation loss</th>${scored ? '<th scope="col">Validation score [95% CI]</th>' : ''}<th scope="col">Training health</th><th scope="col">Chosen</th></tr></thead><tbody>${body}</tbody></table>
</section>`;
}

export function sweepMarkdown(run: RunSummary, cell: (x: unknown) => string): string[] {
  const blocks = sweepBlocks(run);
  if (blocks.length === 0) return [];
  const rows = blocks.flatMap((b) => b.rows);
  const scored = rows.some((r) => r.score);
  const out = ['', '## Hyperparameter sweep', ''];
  for (const b of blocks) out.push(`- ${cell(b.system)}: chosen by ${RULES[b.selectedBy] ?? b.selectedBy}${b.validation ? ` on ${b.validation}` : ''}${b.reason ? `: ${cell(b.reason)}` : ''} (never the test set).`);
  out.push('');
  out.push(`| Point | Hyperparameters | Final training loss | Final validation loss |${scored ? ' Validation score [95% CI] |' : ''} Training health | Chosen |`, `|:--|:--|--:|--:|${scored ? '--:|' : ''}:--|:--|`);
  for (const r of rows) {
    out.push(`| ${cell(`${r.system} #${r.point}`)} | ${cell(r.hyperParameters)} | ${loss(r.finalTrainingLoss)} | ${loss(r.finalValidationLoss)} |${scored ? ` ${score(r)} |` : ''} ${cell(r.flags.length ? r.flags.join(' ') : 'no flag')} | ${r.chosen ? 'served' : ''} |`);
  }
  return out;
}
