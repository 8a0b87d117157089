/**
 * Answers that come from a document's structure rather than from a span of running text: the list a line
 * introduces, when the question matched the list only through its introduction ("Common side effects include:"
 * then "- nausea", "- heartburn"), and the cell of a table row under the column the question names ("last
 * departure" picks that column of the row the question's other words pick).
 */
import { tableCells, type Sentence } from './layout.js';
import { contentTerms } from './text.js';

const sameBlock = (a: Sentence, b: Sentence) => a.source === b.source && a.block === b.block;

/** The line introducing the list item at `at`, or undefined when it is not an item under an introduction. */
export function introOf(sentences: Sentence[], at: number): number | undefined {
  if (!sentences[at].item || sentences[at].header) return undefined;
  let k = at - 1;
  while (k >= 0 && sentences[k].item && sameBlock(sentences[k], sentences[at])) k--;
  return k >= 0 && sentences[k].intro && sameBlock(sentences[k], sentences[at]) ? k : undefined;
}

/**
 * The list to answer with: the chosen sentence is a list item whose own words carry none of the question's terms
 * (the question matched what the list is about, not one item of it). Returns the introduction's index.
 */
export function listAsked(sentences: Sentence[], at: number, qStems: Set<string>): number | undefined {
  const intro = introOf(sentences, at);
  if (intro === undefined) return undefined;
  for (const t of sentences[at].terms) if (qStems.has(t)) return undefined;
  return intro;
}

/** In-order question bigrams found in a text (tells "Millbrook to Ashby" from "Ashby to Millbrook"). */
function bigramHits(text: string, qBigrams: Set<string>): number {
  const terms = contentTerms(text);
  let hits = 0;
  for (let k = 1; k < terms.length; k++) if (qBigrams.has(`${terms[k - 1]} ${terms[k]}`)) hits++;
  return hits;
}

/**
 * The table cell that answers: among the rows tied with the chosen row (same table, same coverage), the one with
 * the most in-order question bigrams, and in it the cell under the header the question's words weigh most in,
 * skipping cells that themselves hold question words (they name the row). Undefined when no header is named.
 */
export function tableCell(
  sentences: Sentence[], chosen: number, competing: number[], coverages: number[], qWeight: Map<string, number>, qBigrams: Set<string>,
): { sentence: number; answer: string } | undefined {
  const row = sentences[chosen];
  if (!row.header) return undefined;
  const rows = competing.filter((i) => sentences[i].header === row.header && coverages[i] >= coverages[chosen] - 1e-9);
  let best = chosen;
  for (const i of rows) if (bigramHits(sentences[i].text, qBigrams) > bigramHits(sentences[best].text, qBigrams)) best = i;
  const cells = tableCells(sentences[best].text);
  if (cells.length !== row.header.length) return undefined;
  let pick = -1;
  let pickWeight = 0;
  let tied = false;
  cells.forEach((cell, j) => {
    if (cell === '' || contentTerms(cell).some((t) => qWeight.has(t))) return;
    const weight = contentTerms(row.header![j]).reduce((s, t) => s + (qWeight.get(t) ?? 0), 0);
    if (weight > pickWeight + 1e-9) {
      pick = j;
      pickWeight = weight;
      tied = false;
    } else if (weight > 0 && Math.abs(weight - pickWeight) <= 1e-9) tied = true;
  });
  return pick >= 0 && !tied ? { sentence: best, answer: cells[pick] } : undefined;
}
