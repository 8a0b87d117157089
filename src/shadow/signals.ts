/**
 * Reference-free signals of one answer: did it refuse, did it not answer. Plain English phrase patterns at the start
 * of the answer (where a model declines), plus the stop reasons Bedrock gives when a filter or guardrail ends the
 * answer. They are deliberately general and documented in docs/shadow.md; a rate, not a per-item truth.
 */

/** The model declines to help. */
const REFUSAL = [
  /\bI(?:'m| am)? (?:sorry|afraid),? (?:but )?I (?:can(?:'|no)t|cannot|am unable to|won'?t|will not)\b/i,
  /\bI (?:can(?:'|no)t|cannot|won'?t|will not|am not able to|am unable to) (?:help|assist|provide|comply|do that|answer that|share|discuss)\b/i,
  /\bas an AI(?: language model)?,? I (?:can(?:'|no)t|cannot|do not|don'?t)\b/i,
  /\b(?:this|that|your) request (?:violates|goes against|is against)\b/i,
];

/** The model answers without an answer: it does not know, or the information is not there. */
const NON_ANSWER = [
  /\bI (?:do not|don'?t) (?:know|have (?:enough |that |the |any )?information)\b/i,
  /\b(?:not enough|insufficient|no) (?:information|context|data)\b/i,
  /\b(?:unable to|could not|couldn'?t|can(?:'|no)t|cannot) (?:find|determine|locate|tell)\b/i,
  /\b(?:is|are) not (?:mentioned|provided|specified|stated|available)\b/i,
  /\b(?:does|do) not (?:contain|mention|say|specify)\b/i,
  /\bno (?:answer|relevant)\b/i,
];

const BLOCKED_STOP = new Set(['content_filtered', 'guardrail_intervened']);
/** Where the patterns look: models decline or hedge up front. */
const HEAD_CHARS = 240;

export function isRefusal(output: string, stopReason?: string): boolean {
  if (stopReason && BLOCKED_STOP.has(stopReason)) return true;
  const head = output.slice(0, HEAD_CHARS);
  return REFUSAL.some((p) => p.test(head));
}

export function isNonAnswer(output: string, stopReason?: string): boolean {
  if (output.trim() === '') return true;
  if (isRefusal(output, stopReason)) return false;
  const head = output.slice(0, HEAD_CHARS);
  return NON_ANSWER.some((p) => p.test(head));
}
