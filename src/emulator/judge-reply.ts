/**
 * The reference model as a pairwise judge. A real judge model reads a rubric; the reference model cannot, so when a
 * request has the shape of a pairwise comparison (a system prompt asking for `WINNER: A | B | TIE` and a user turn with
 * `<response_a>` and `<response_b>` blocks, as `ftrag shadow`'s judge sends) it answers by a documented, honest rule:
 * the response better grounded in the request wins. Grounding = the share of a response's words (two or more letters or
 * digits, lower-cased) that also occur in the request; an empty answer scores 0. Within 0.05 of each other it is a tie.
 * The rule looks only at the texts, never at their order, so the same pair gets the same verdict in both orders.
 */
const TIE_MARGIN = 0.05;

function block(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text);
  return m?.[1];
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
}

function grounding(response: string, request: Set<string>): number {
  const w = words(response);
  if (w.length === 0) return 0;
  return w.filter((x) => request.has(x)).length / w.length;
}

/** The judge's reply, or undefined when the request is not a pairwise comparison. */
export function pairwiseJudgeReply(system: string | undefined, messages: readonly { role: string; text: string }[]): string | undefined {
  if (!system || !/WINNER:\s*A\s*\|\s*B\s*\|\s*TIE/.test(system)) return undefined;
  const user = [...messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const a = block(user, 'response_a');
  const b = block(user, 'response_b');
  const request = block(user, 'request');
  if (a === undefined || b === undefined || request === undefined) return undefined;
  const vocabulary = new Set(words(request));
  const ga = grounding(a, vocabulary);
  const gb = grounding(b, vocabulary);
  const winner = Math.abs(ga - gb) <= TIE_MARGIN ? 'TIE' : ga > gb ? 'A' : 'B';
  const reason =
    winner === 'TIE'
      ? `Both responses are equally grounded in the request (${ga.toFixed(2)} vs ${gb.toFixed(2)}).`
      : `Response ${winner} is better grounded in the request (${Math.max(ga, gb).toFixed(2)} vs ${Math.min(ga, gb).toFixed(2)}).`;
  return `WINNER: ${winner}\nREASON: ${reason}`;
}
