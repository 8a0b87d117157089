/**
 * Text generation policy of the reference model (greedy and deterministic; the request seed changes nothing).
 *
 * Base model: read the context in the request (system text, user turns, passages) with the extractive reader, or
 * give the fixed non-answer. Custom model: if a learned template wins with probability >= CONFIDENCE_THRESHOLD,
 * realize it (copy slots filled from the prompt); a pure-fact template (no slots) yields to a confident
 * passage-grounded answer when passages or user-supplied context are present (grounded generation overrides
 * parametric memory), unless memory is surer than the reading (MEMORY_OVER_CONTEXT). Otherwise behave like the base model.
 */
import type { GenerateRequest, GenerateResult } from './api.js';
import { loadClassifier } from './classifier.js';
import { NON_ANSWER, readAnswer, splitPrompt, type ContextSource, type PromptParts, type ReadAnswer } from './reader.js';
import { maskSlots, realizeTemplate } from './templates.js';
import { isSentenceMemory, recallText } from './pretrain.js';
import { countTokens } from '../../util/tokenizer.js';

export const CONFIDENCE_THRESHOLD = 0.5;
/**
 * Memory against reading: a pure-fact answer the custom model holds with at least this probability, and more surely
 * than the reader's coverage of the question in the context (both 0..1), is repeated instead of the reading. This is
 * the reference model's knowledge conflict, and its mechanism of catastrophic forgetting: weights grown far beyond
 * what fitting the data needs (many epochs, a high learning rate, a small set) make the model near-certain on
 * prompts unlike its training prompts, so it stops reading what it is given (docs/reference-model.md).
 */
export const MEMORY_OVER_CONTEXT = 0.9;
/** How many of the best-gated format (slotted) templates are tried with their copied text masked. */
const SLOTTED_CANDIDATES = 3;

type Citation = NonNullable<GenerateResult['citations']>[number];

interface Draft {
  text: string;
  citations?: Citation[];
}

export function generate(req: GenerateRequest): GenerateResult {
  let inputTokens = countTokens(req.system ?? '');
  for (const m of req.messages) inputTokens += countTokens(m.text);
  for (const p of req.passages ?? []) inputTokens += countTokens(p.text);
  const draft = compose(req);
  return applyLimits(draft, req.maxTokens, req.stopSequences ?? [], inputTokens);
}

function compose(req: GenerateRequest): Draft {
  const parts = splitPrompt(req.system, req.messages);
  const passages: ContextSource[] = (req.passages ?? []).map((p, i) => ({ text: p.text, passageIndex: i }));
  // Continued pre-training: with no context to read, read what the question recalls from the memorised documents.
  if (isSentenceMemory(req.customModel) && parts.context.trim() === '' && passages.length === 0) {
    const recalled = recallText(req.customModel!, parts.question);
    const read = recalled ? readAnswer(parts.question, [{ text: recalled.text }]) : undefined;
    return { text: read ? read.answer : NON_ANSWER };
  }
  if (req.customModel && !isSentenceMemory(req.customModel)) {
    const learned = recall(req, parts);
    if (learned) {
      if (!learned.hasSlots) {
        const groundSources = parts.userContext.trim() !== '' ? [{ text: parts.userContext }, ...passages] : passages;
        const grounded = groundSources.length > 0 ? readAnswer(parts.question, groundSources) : undefined;
        const memoryWins = grounded !== undefined && learned.probability >= MEMORY_OVER_CONTEXT && learned.probability > grounded.coverage;
        if (grounded && !memoryWins) return fromReading(grounded);
      }
      return { text: learned.text };
    }
  }
  const sources = parts.context.trim() !== '' ? [{ text: parts.context }, ...passages] : passages;
  if (sources.length === 0) return { text: NON_ANSWER };
  const read = readAnswer(parts.question, sources);
  return read ? fromReading(read) : { text: NON_ANSWER };
}

function fromReading(read: ReadAnswer): Draft {
  const text = read.answer;
  if (read.passageIndex === undefined) return { text };
  return { text, citations: [{ start: 0, end: text.length, passageIndexes: [read.passageIndex] }] };
}

/**
 * The learned answer, if confident. The prompt is flattened as in training (system + user turns). When the prompt
 * also carries context, the bare question is tried too and the more confident reading wins: fine-tuning examples
 * are usually bare questions, and retrieved text pasted around the question should not drown what was learned.
 */
function recall(req: GenerateRequest, parts: PromptParts): { text: string; hasSlots: boolean; probability: number } | undefined {
  const classifier = loadClassifier(req.customModel as NonNullable<GenerateRequest['customModel']>);
  if (classifier.templates.length === 0) return undefined;
  const flat = [req.system ?? '', ...req.messages.filter((m) => m.role === 'user').map((m) => m.text)]
    .filter((t) => t !== '')
    .join('\n');
  const inputs = [flat];
  if (parts.userContext.trim() !== '' && parts.question !== '' && parts.question !== flat) inputs.push(parts.question);
  let best: { input: string; classIndex: number; probability: number } | undefined;
  const consider = (input: string, scored: string, onlyClass?: number) => {
    const p = classifier.predict(scored);
    if (!p || (onlyClass !== undefined && p.classIndex !== onlyClass)) return;
    if (!best || p.probability > best.probability) best = { input, classIndex: p.classIndex, probability: p.probability };
  };
  for (const input of inputs) {
    consider(input, input);
    // A slotted (format) template is scored on the prompt without the text it would copy, as in training.
    const slotted = classifier.candidates(classifier.vectorize(input)).filter((c) => classifier.templates[c].slots.length > 0);
    for (const c of slotted.slice(0, SLOTTED_CANDIDATES)) {
      const masked = maskSlots(classifier.templates[c], input);
      if (masked !== undefined) consider(input, masked, c);
    }
  }
  if (!best || best.probability < CONFIDENCE_THRESHOLD) return undefined;
  const template = classifier.templates[best.classIndex];
  return { text: realizeTemplate(template, best.input), hasSlots: template.slots.length > 0, probability: best.probability };
}

function applyLimits(draft: Draft, maxTokens: number, stopSequences: string[], inputTokens: number): GenerateResult {
  let text = draft.text;
  let stopped = false;
  let cut = -1;
  for (const s of stopSequences) {
    if (s === '') continue;
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) {
    text = text.slice(0, cut);
    stopped = true;
  }
  let stopReason: GenerateResult['stopReason'] = stopped ? 'stop_sequence' : 'end_turn';
  const limit = Math.max(0, Math.floor(maxTokens));
  if (countTokens(text) > limit) {
    text = truncateToTokens(text, limit);
    stopReason = 'max_tokens';
  }
  const citations = draft.citations
    ?.filter((c) => c.start < text.length)
    .map((c) => ({ ...c, end: Math.min(c.end, text.length) }));
  const result: GenerateResult = { text, inputTokens, outputTokens: countTokens(text), stopReason };
  if (citations && citations.length > 0) result.citations = citations;
  return result;
}

/** Longest prefix with at most max tokens (token counts grow with prefix length, so binary search works). */
function truncateToTokens(text: string, max: number): string {
  if (max <= 0) return '';
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (countTokens(text.slice(0, mid)) <= max) lo = mid;
    else hi = mid - 1;
  }
  let end = lo;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}
