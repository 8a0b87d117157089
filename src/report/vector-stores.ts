/**
 * The vector-store table: what the RAG systems cost on each store Bedrock Knowledge Bases can use, and whether the
 * verdict would change (run.json `vectorStores`, decided by the same rule as the run). Also the re-pricing note
 * written by `ftrag report --prices`.
 */
import type { RunSummary, VectorStoreComparison } from '../schema/run-result.js';
import { escapeHtml as e, markdownCell as cell, markdownText as text } from './escape.js';
import { usd } from './format.js';

type Store = VectorStoreComparison['stores'][number];

function verdictOf(s: { choice: string; systemId?: string }): string {
  return s.systemId && s.systemId !== s.choice ? `${s.choice} (${s.systemId})` : s.choice;
}

function storeCost(store: Store, id: string): string {
  const s = store.systems.find((x) => x.id === id);
  if (!s) return '—';
  const flags = `${s.missingPrices.length ? ' *' : ''}${s.unverifiedPrices.length ? ' †' : ''}`;
  const vs = s.vectorStoreMonthlyUsd === 0 && s.missingPrices.length ? 'price missing' : usd(s.vectorStoreMonthlyUsd);
  return `${vs} / ${usd(s.monthlyTotalUsd)}${flags}`;
}

/** One sentence on which store was priced, whether it was assumed, and which stores would change the verdict. */
export function vectorStoreSummary(v: VectorStoreComparison): string {
  const configured = v.stores.find((s) => s.type === v.configured);
  const name = configured?.label ?? v.configured;
  const changed = v.stores.filter((s) => s.verdictChanged);
  const lead = v.assumed
    ? `No vector store was configured, so the Knowledge Base was priced on ${name} (assumed; set knowledgeBase.vectorStore).`
    : `The Knowledge Base was priced on ${name}, as configured.`;
  const tail = changed.length
    ? `On ${changed.map((s) => `${s.label} the verdict would be ${verdictOf(s)}`).join('; on ')}.`
    : 'No other store changes the verdict.';
  return `${lead} ${tail}`;
}

function notes(v: VectorStoreComparison): string[] {
  const out = ['Each cell: vector store per month / system total per month at the configured volume. Sizing (vectors, dimensions, GB) is carried over from the configured store; capacity defaults: OpenSearch Serverless 2 OCU, Aurora 0.5 ACU.'];
  if (v.stores.some((s) => s.systems.some((x) => x.missingPrices.length))) out.push('* a price or size is missing (listed in the store\'s cost lines when configured); the total is a lower bound. Third-party stores need your plan\'s price in pricing.overrides.');
  if (v.stores.some((s) => s.systems.some((x) => x.unverifiedPrices.length))) out.push('† uses an unverified price.');
  return out;
}

export function vectorStoreHtml(run: RunSummary): string {
  const v = run.vectorStores;
  if (!v) return '';
  const ids = v.stores[0]?.systems.map((s) => s.id) ?? [];
  const rows = v.stores
    .map(
      (s) =>
        `<tr${s.type === v.configured ? ' class="chosen"' : ''}><th scope="row">${e(s.label)}${s.type === v.configured ? ` (${v.assumed ? 'assumed' : 'configured'})` : ''}</th>${ids.map((id) => `<td class="num">${e(storeCost(s, id))}</td>`).join('')}<td>${e(verdictOf(s))}</td><td>${s.verdictChanged ? '<strong>changes</strong>' : 'same'}</td></tr>`,
    )
    .join('');
  return `<section id="vector-stores" aria-labelledby="vector-stores-h">
<h2 id="vector-stores-h">Vector store</h2>
<p>${e(vectorStoreSummary(v))}</p>
<div class="scroll"><table><caption>The Knowledge Base on each vector store</caption>
<thead><tr><th scope="col">Store</th>${ids.map((id) => `<th scope="col">${e(id)}</th>`).join('')}<th scope="col">Verdict</th><th scope="col">Verdict change</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${notes(v).map((n) => `<p class="note">${e(n)}</p>`).join('\n')}
</section>`;
}

export function vectorStoreMarkdown(run: RunSummary): string[] {
  const v = run.vectorStores;
  if (!v) return [];
  const ids = v.stores[0]?.systems.map((s) => s.id) ?? [];
  const head = ['Store', ...ids.map(cell), 'Verdict', 'Change'];
  const rows = v.stores.map((s) => [
    `${cell(s.label)}${s.type === v.configured ? ` (${v.assumed ? 'assumed' : 'configured'})` : ''}`,
    ...ids.map((id) => cell(storeCost(s, id))),
    cell(verdictOf(s)),
    s.verdictChanged ? '**changes**' : 'same',
  ]);
  const sep = head.map((_, i) => (i === 0 || i > ids.length ? '---' : '---:'));
  return ['', '## Vector store', '', text(vectorStoreSummary(v)), '', ...[head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`), '', ...notes(v).map((n) => `<sub>${text(n)}</sub>`)];
}

/** The re-pricing note: which catalog priced the run before, and whether the verdict moved. */
export function repricedSentence(run: RunSummary): string | undefined {
  const from = run.priceCatalog.repricedFrom;
  if (!from || !run.recommendation) return undefined;
  const now = { choice: run.recommendation.choice, systemId: run.recommendation.systemId };
  const changed = from.choice !== now.choice || from.systemId !== now.systemId;
  return `Re-priced with catalog ${run.priceCatalog.id} (${run.priceCatalog.date}); first priced with ${from.id} (${from.date}). ${changed ? `The verdict changes: ${verdictOf(from)} -> ${verdictOf(now)}.` : `The verdict stays ${verdictOf(now)}.`}`;
}
