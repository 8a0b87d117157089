/**
 * The cost model: prices one system under test over the user's workload, following Bedrock's billing.
 * Formulas are documented in docs/cost.md; every line carries its arithmetic in `basis`.
 */
import { retrievesKnowledgeBase, type WorkloadSpec } from '../config/schema.js';
import type { SystemCost } from '../schema/run-result.js';
import { customOnDemandSupport } from './catalog.js';
import { formatCount, formatPrice, formatUsd } from './format.js';
import { CostLedger, costTotals } from './ledger.js';
import type { CostInput, PriceCatalog } from './types.js';
import { HOURS_PER_MONTH, recurringEvents } from './billing.js';
import { priceVectorStore } from './vector-store.js';
import { costForSageMaker } from './sagemaker.js';


export { HOURS_PER_MONTH, recurringEvents };

const CUSTOM_KINDS = new Set(['fine-tuned', 'rag-fine-tuned']);


export function costForSystem(input: CostInput, workload: WorkloadSpec, catalog: PriceCatalog): SystemCost {
  if (input.sagemaker) return costForSageMaker(input, workload, catalog);
  const ledger = new CostLedger(catalog, input.region);
  for (const a of input.assumptions ?? []) ledger.assume(a);
  for (const m of input.missing ?? []) ledger.markMissing(m);
  if (input.measured.provenance) ledger.assume(`Tokens per query: ${input.measured.provenance}.`);
  ledger.assume(`Hourly prices are billed at ${HOURS_PER_MONTH} h/month (24 h x 31 d, AWS's convention in its pricing examples).`);

  const isCustom = CUSTOM_KINDS.has(input.kind);
  const isRag = retrievesKnowledgeBase(input.kind);
  const batch = input.execution === 'batch';

  let trainingUsd = 0;
  if (isCustom) trainingUsd = priceCustomization(input, ledger);

  const servedByPt = isCustom && input.serving?.type === 'provisioned';
  if (servedByPt) priceProvisioned(input, ledger);
  else priceGeneratorTokens(input, ledger, isCustom, batch);

  if (isRag) priceKnowledgeBase(input, workload, ledger);

  const retrains = isCustom && input.training ? recurringEvents(workload.horizonMonths, workload.retrainEveryMonths) : 0;
  if (retrains > 0) {
    ledger.add('retraining', retrains * trainingUsd, 'horizon', `${retrains} retrain(s) (every ${workload.retrainEveryMonths} months within ${workload.horizonMonths}) x ${formatUsd(trainingUsd)}`);
  } else if (isCustom && input.training) {
    ledger.assume(workload.retrainEveryMonths ? `No retraining falls inside the ${workload.horizonMonths}-month horizon.` : 'Trained once; no retraining configured (workload.retrainEveryMonths).');
  }

  return costTotals(ledger, workload);
}

/** Training (one-time) and custom model storage (monthly). Returns the cost of one training run. */
function priceCustomization(input: CostInput, ledger: CostLedger): number {
  const base = input.pricingModelId;
  let trainingUsd = 0;
  if (input.training) {
    const { trainedTokens, epochs } = input.training;
    const entry = ledger.price(base, 'training-1k-tokens', 'training');
    if (entry) {
      trainingUsd = ((trainedTokens * epochs) / 1000) * entry.price;
      ledger.add('training', trainingUsd, 'one-time', `${formatCount(trainedTokens)} tokens x ${epochs} epoch(s) = ${formatCount(trainedTokens * epochs)} tokens x ${formatPrice(entry.price)} / 1k`, entry);
      const others = input.training.sweepEpochs ?? [];
      if (others.length) {
        // The other sweep points are paid once, when the sweep runs; a retrain trains only the chosen point.
        const sweptEpochs = others.reduce((s, e) => s + e, 0);
        const sweepUsd = ((trainedTokens * sweptEpochs) / 1000) * entry.price;
        ledger.add('hyperparameter sweep', sweepUsd, 'one-time', `${others.length} other sweep point(s): ${formatCount(trainedTokens)} tokens x ${sweptEpochs} epoch(s) in all x ${formatPrice(entry.price)} / 1k`, entry);
        ledger.assume(`The ${others.length} custom model(s) of the other sweep points are assumed deleted after the choice; each one kept bills storage monthly.`);
      }
      const asked = input.training.sweepScoreTokens;
      if (asked && asked.calls > 0) {
        // Each point answered the validation records through an on-demand deployment, billed at the base model's token rates.
        const pin = ledger.price(base, 'input-1k-tokens', 'sweep validation calls (input)');
        const pout = ledger.price(base, 'output-1k-tokens', 'sweep validation calls (output)');
        if (pin && pout) {
          const usd = (asked.inputTokens * pin.price + asked.outputTokens * pout.price) / 1000;
          ledger.add('sweep validation calls', usd, 'one-time', `${formatCount(asked.calls)} calls: ${formatCount(asked.inputTokens)} in x ${formatPrice(pin.price)} + ${formatCount(asked.outputTokens)} out x ${formatPrice(pout.price)} / 1k (measured)`, pin);
        }
      }
    }
  } else {
    ledger.assume('The custom model already exists (no training spec): no training cost is counted.');
  }
  const storage = ledger.price(base, 'storage-model-month', 'custom model storage');
  if (storage) ledger.add('custom model storage', storage.price, 'monthly', `1 custom model x ${formatPrice(storage.price)} / month`, storage);
  return trainingUsd;
}

function priceProvisioned(input: CostInput, ledger: CostLedger): void {
  const serving = input.serving!;
  const unit = `pt-mu-hour-${serving.commitment}`;
  const entry = ledger.price(input.pricingModelId, unit, `provisioned throughput (${serving.commitment} commitment)`);
  if (entry) {
    const usd = serving.modelUnits * entry.price * HOURS_PER_MONTH;
    ledger.add('provisioned throughput', usd, 'monthly', `${serving.modelUnits} MU x ${formatPrice(entry.price)} / MU-hour (${serving.commitment} commitment) x ${HOURS_PER_MONTH} h`, entry);
  }
  ledger.assume('Provisioned throughput is billed per hour whether or not it serves queries; tokens are not billed separately.');
  if (serving.commitment === 'none' && serving.modelUnits > 1) {
    ledger.assume('AWS\'s 2025-02-28 pricing page allowed custom models only 1 MU without a commitment term; more MUs needed a 1- or 6-month term.');
  }
}

/** Per-query generator tokens at on-demand (or batch) prices; custom models only via custom on-demand deployment. */
function priceGeneratorTokens(input: CostInput, ledger: CostLedger, isCustom: boolean, batch: boolean): void {
  const base = input.pricingModelId;
  if (isCustom) {
    const support = customOnDemandSupport(ledger.catalog, base, input.region);
    if (!support.supported) {
      ledger.markMissing(`on-demand serving of a custom ${base} model in ${input.region}: ${support.reason}; price it as provisioned throughput (serving.type: provisioned)`);
      return;
    }
    ledger.assume(`Custom on-demand deployment bills tokens at ${base}'s base rates and needs a model customized on or after ${support.launchDate}.`);
  }
  const { inputTokensMean, outputTokensMean } = input.measured;
  const inUnit = batch ? 'batch-input-1k-tokens' : 'input-1k-tokens';
  const outUnit = batch ? 'batch-output-1k-tokens' : 'output-1k-tokens';
  const mode = batch ? 'batch ' : '';
  const pin = ledger.price(base, inUnit, `${mode}input tokens`);
  if (pin) ledger.add(`${mode}input tokens`, inputTokensMean * pin.price, 'per-1k-queries', `1,000 queries x ${formatCount(inputTokensMean)} tokens x ${formatPrice(pin.price)} / 1k`, pin);
  const pout = ledger.price(base, outUnit, `${mode}output tokens`);
  if (pout) ledger.add(`${mode}output tokens`, outputTokensMean * pout.price, 'per-1k-queries', `1,000 queries x ${formatCount(outputTokensMean)} tokens x ${formatPrice(pout.price)} / 1k`, pout);
}

/** Query embeddings (per query), the vector store (monthly), initial ingestion (one-time) and re-ingestion (horizon). */
function priceKnowledgeBase(input: CostInput, workload: WorkloadSpec, ledger: CostLedger): void {
  const kb = input.knowledgeBase;
  if (!kb) {
    ledger.markMissing('knowledge base details (corpus tokens, embedding model, vector store) for a RAG system');
    return;
  }
  const queryTokens = input.measured.queryEmbeddingTokensMean ?? input.measured.inputTokensMean;
  if (input.measured.queryEmbeddingTokensMean === undefined) {
    ledger.assume(`Query embedding tokens not measured: the prompt's input tokens (${formatCount(queryTokens)}) are used, an upper bound when they include retrieved context.`);
  }
  // Retrieval embeds each query synchronously, so batch embedding prices never apply to it.
  const emb = ledger.price(kb.embeddingModelId, 'embedding-1k-tokens', 'query and ingestion embeddings');
  if (emb) {
    ledger.add('query embedding', queryTokens * emb.price, 'per-1k-queries', `1,000 queries x ${formatCount(queryTokens)} tokens x ${formatPrice(emb.price)} / 1k`, emb);
  }
  priceVectorStore(kb, workload, ledger);
  if (kb.corpusTokensNote) ledger.assume(kb.corpusTokensNote);
  if (!emb) return;
  const initial = (kb.corpusTokens / 1000) * emb.price;
  ledger.add('initial ingestion', initial, 'one-time', `${formatCount(kb.corpusTokens)} corpus tokens x ${formatPrice(emb.price)} / 1k`, emb);
  const events = recurringEvents(workload.horizonMonths, workload.reingestEveryMonths);
  const share = Math.min(1, workload.knowledgeChangePerMonth * workload.reingestEveryMonths);
  const perEvent = share * initial;
  if (events > 0 && share > 0) {
    ledger.add(
      're-ingestion',
      events * perEvent,
      'horizon',
      `${events} sync(s) (every ${workload.reingestEveryMonths} month(s) within ${workload.horizonMonths}) x ${formatCount(kb.corpusTokens)} tokens x ${(share * 100).toFixed(1)}% changed x ${formatPrice(emb.price)} / 1k`,
      emb,
    );
  } else {
    ledger.assume('No re-ingestion cost: workload.knowledgeChangePerMonth is 0 or no sync falls inside the horizon.');
  }
}

