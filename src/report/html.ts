/**
 * report.html: one self-contained file (inline CSS, inline SVG charts, inline script, a strict CSP that forbids
 * every fetch) that opens offline and prints. Built only from a RunSummary.
 */
import { gzipBase85 } from './base85.js';
import type { RunSummary } from '../schema/run-result.js';
import { allCharts, type Chart } from './charts.js';
import { loadChartEngine } from './vega-svg.js';
import { DRILLDOWN_SCRIPT } from './drilldown-script.js';
import { digestItems, encodeItems, PAGE_BUDGET_BYTES } from './drilldown-data.js';
import { drilldownHtml, indexBytes, PAGE_SIZE } from './drilldown.js';
import { escapeHtml as e } from './escape.js';
import { categorySection, comparisonsSection, methodsSection, scoreboardSection, verdictSection } from './html-sections.js';
import { documentHead } from './html-head.js';
import type { ItemStream } from './item-stream.js';
import { runTitle } from './format.js';
import { importedHtml } from './imported.js';
import { repricedSentence, vectorStoreHtml } from './vector-stores.js';
import { sageMakerHtml } from './sagemaker-section.js';
import { renderShadowHtml } from './shadow-html.js';
import { fineTuneRiskRows, fineTuneRisksHtml, sweepHtml, sweepRows } from './fine-tune-risks.js';

export { CSP } from './html-head.js';

function chartFigure(c: Chart): string {
  return `<figure id="${c.id}" class="chart">
<h3>${e(c.title)}</h3>
<div class="svg" role="img" aria-label="${e(`${c.title}. ${c.summary}`)}">${c.svg}</div>
<figcaption>${e(c.summary)}</figcaption>
<details class="data"><summary>Data table</summary><div class="scroll"><table><caption>${e(c.table.caption)}</caption>
<thead><tr>${c.table.columns.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead>
<tbody>${c.table.rows.map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${e(v)}</th>` : `<td>${e(v)}</td>`)).join('')}</tr>`).join('')}</tbody></table></div></details>
</figure>`;
}

export interface RenderOptions {
  /** Awaited between the passes over the items (the CLI's full collection: src/cli/heap-growth.ts). */
  betweenPasses?: () => Promise<void>;
}

/**
 * report.html for a run whose per-item results come from `items` (each call a fresh pass in item order). The items are
 * read in streaming passes (the filter and word indexes and latencies, then the compressed text chunks); no pass holds them all.
 */
export async function renderHtml(run: RunSummary, items: ItemStream, options: RenderOptions = {}): Promise<string> {
  if (run.kind === 'shadow' && run.shadow) return renderShadowHtml(run, items);
  // Between the digest's pass and what it builds from it (the chart engine and the chunk pass come on top).
  const digest = await digestItems(run, items, options.betweenPasses);
  const blocks = { index: gzipBase85(indexBytes(digest), 9), words: gzipBase85(digest.words, 9) };
  await loadChartEngine();
  const charts = allCharts(run, digest.latencies);
  // The page without its item chunks, to give the chunks what is left of the page budget.
  const empty = { chunks: [], passages: '', textCap: null, passagesShortened: false, bytes: 0 };
  const shell = Buffer.byteLength(renderPage(run, charts, drilldownHtml(run, digest, empty, blocks)));
  const encoded = await encodeItems(run, items, digest, Math.max(1_000_000, PAGE_BUDGET_BYTES - shell));
  return renderPage(run, charts, drilldownHtml(run, digest, encoded, blocks));
}

function renderPage(run: RunSummary, charts: Chart[], drilldown: string): string {
  const title = `ftrag report: ${runTitle(run)}`;
  const nav = [
    ['verdict', 'Verdict'],
    ['scoreboard', 'Scoreboard'],
    ...(run.recommendation ? [['categories', 'By category']] : []),
    ...(charts.length ? [['charts', 'Charts']] : []),
    ...(run.comparisons.length ? [['comparisons', 'Comparisons']] : []),
    ...(run.imports?.length ? [['imported', 'Bedrock Evaluations']] : []),
    ...(run.vectorStores ? [['vector-stores', 'Vector store']] : []),
    ...(run.systems.some((s) => s.sagemaker) ? [['jumpstart', 'Bedrock or JumpStart']] : []),
    ...(sweepRows(run).length ? [['sweep', 'Sweep']] : []),
    ...(fineTuneRiskRows(run).length ? [['fine-tune-risks', 'Fine-tuning risks']] : []),
    ['answers', 'Answers'],
    ['methods', 'Methods'],
  ];
  return `${documentHead({ title, generator: `${run.tool.name} ${run.tool.version}` })}
<body>
<header>
<h1>${e(title)}</h1>
<p class="meta">Run <code>${e(run.runId)}</code> · ${e(run.createdAt)} · ${e(run.systems.length)} systems · ${e(run.evalSet.size)} questions · ${e(run.endpoint.emulated ? 'emulated' : `AWS ${run.endpoint.region}`)}</p>
<nav class="toc" aria-label="Sections"><ul>${nav.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join('')}</ul></nav>
</header>
<main>
${repricedSentence(run) ? `<p class="repriced"><strong>${e(repricedSentence(run))}</strong></p>` : ''}
${verdictSection(run)}
${scoreboardSection(run)}
${categorySection(run)}
${charts.length ? `<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Charts</h2>${charts.map(chartFigure).join('\n')}</section>` : ''}
${comparisonsSection(run)}
${importedHtml(run)}
${vectorStoreHtml(run)}
${sageMakerHtml(run)}
${sweepHtml(run, e)}
${fineTuneRisksHtml(run, e)}
<section id="answers" aria-labelledby="answers-h">
<h2 id="answers-h">Answers, question by question</h2>
${drilldown}
</section>
${methodsSection(run)}
</main>
<footer><p>Generated by ${e(run.tool.name)} ${e(run.tool.version)} from run.json (schema version ${e(run.schemaVersion)}). Regenerate with <code>ftrag report run.json</code>.</p></footer>
<script>${DRILLDOWN_SCRIPT.replace('__PAGE_SIZE__', String(PAGE_SIZE))}</script>
</body>
</html>
`;
}
