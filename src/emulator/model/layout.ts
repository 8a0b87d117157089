/**
 * Reading the layout of context text: sentences, plus what a reader sees around them. Markdown headings, a table's
 * header row and a line introducing a list ("Key figures for the Q2:") are not answers themselves but name what
 * the lines under them are about, so their terms count toward those lines' match with the question. A "[n]"
 * passage label starts a new document (headings reset).
 */
import { contentTerms, sentenceSpans } from './text.js';

export interface ContextSource {
  text: string;
  /** Index into GenerateRequest.passages, when the text is a passage. */
  passageIndex?: number;
}

export interface Sentence {
  text: string;
  /** The sentence's own stemmed content terms. */
  terms: Set<string>;
  /** Terms of the headings, table header or list introduction it stands under. */
  context: Set<string>;
  passageIndex?: number;
  /** A bullet or numbered list item, or a table row. */
  item: boolean;
  /** A line ending in ":" that introduces the items after it. */
  intro: boolean;
  /** Index of the source it came from. */
  source: number;
  /** Lines between blank lines and headings share a block (the items of one list share it). */
  block: number;
  /** For a table row: the cells of the table's header row, in column order. */
  header?: string[];
}

/** The cells of a table line ("| a | b |" -> ["a", "b"]). */
export const tableCells = (line: string): string[] => line.replace(/^\s*\|/u, '').replace(/\|\s*$/u, '').split('|').map((c) => c.trim());

const PASSAGE_LABEL_RE = /^\[\d+\]\s*/u;
const LEADING_LABEL_RE = /^(?:\[\d+\]\s*|(?:context|passage|document|source|background|text|reference)\s*\d*\s*[:：]\s*)/iu;
const LINE_LABEL_RE = /^\p{Lu}[\p{L}-]*(?:\s[\p{L}-]+)?:\s+(?=\S)/u;
const HEADING_RE = /^#{1,6}\s+/u;
const ITEM_RE = /^(?:[-*•]\s+|\d{1,2}[.)]\s+|\|)/u;
const TABLE_RULE_RE = /^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$/u;

export function readSentences(sources: ContextSource[]): Sentence[] {
  const out: Sentence[] = [];
  sources.forEach((src, source) => {
    const headings: string[][] = [];
    let intro: string[] = [];
    let tableHeader: string[] | undefined;
    let headerCells: string[] | undefined;
    let inTable = false;
    let block = 0;
    for (const rawLine of src.text.split('\n')) {
      let line = rawLine.trim();
      if (PASSAGE_LABEL_RE.test(line)) {
        headings.length = 0;
        intro = [];
      }
      line = line.replace(LEADING_LABEL_RE, '').trim();
      const item = ITEM_RE.test(line);
      if (!item) {
        intro = [];
        inTable = false;
      }
      if (line === '') block++;
      if (line === '' || TABLE_RULE_RE.test(line)) continue;
      const heading = HEADING_RE.exec(line);
      if (heading) {
        block++;
        const level = heading[0].trim().length;
        headings.length = Math.min(headings.length, level - 1);
        headings[level - 1] = contentTerms(line);
        continue;
      }
      // The first row of a table names its columns: context for the rows below it, not an answer.
      if (line.startsWith('|') && !inTable) {
        inTable = true;
        tableHeader = contentTerms(line);
        headerCells = tableCells(line);
        continue;
      }
      if (!line.startsWith('|')) {
        tableHeader = undefined;
        headerCells = undefined;
      }
      const context = new Set<string>([...headings.flat(), ...(item ? [...intro, ...(tableHeader ?? [])] : [])]);
      const isIntro = !item && line.endsWith(':');
      // A one- or two-word label opening a line ("Note: ...", "Door width: 90 cm") names the line; it is not an
      // answer, so it is cut from the text, but its words still say what the line's first sentence is about.
      const label = item ? undefined : LINE_LABEL_RE.exec(line)?.[0];
      const body = label === undefined ? line : line.slice(label.length);
      for (const span of sentenceSpans(body)) {
        const text = body.slice(span.start, span.end);
        const terms = new Set(contentTerms(text));
        if (label !== undefined && span.start === 0) for (const t of contentTerms(label)) terms.add(t);
        const row: Sentence = { text, terms, context, passageIndex: src.passageIndex, item, intro: false, source, block };
        if (headerCells && line.startsWith('|')) row.header = headerCells;
        out.push(row);
      }
      if (isIntro && out.length > 0) {
        out[out.length - 1].intro = true;
        intro = contentTerms(line);
      }
    }
  });
  return out;
}
