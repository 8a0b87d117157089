/**
 * Writes Knowledge Base documents from a facts table in varied natural prose: several sentence shapes, paragraphs and
 * lists, chosen by a seeded generator so no two documents share one template. The values are what a reader must find.
 */
import { mulberry32 } from '../../src/util/random.js';

export interface Attribute {
  /** Noun phrase, e.g. "opening hours". */
  label: string;
  /** Questions for the held-out set; {e} is the entity's name. */
  ask: string[];
  /** Questions for fine-tuning data (worded differently from `ask`). */
  train?: string[];
}

export interface Entity {
  name: string;
  /** What it is, e.g. "a glasshouse". */
  kind: string;
  facts: Record<string, string>;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Sentence shapes stating one fact. Each keeps the value a contiguous span. */
const SHAPES: ((e: string, label: string, v: string) => string)[] = [
  (e, l, v) => `The ${l} of the ${e} is ${v}.`,
  (e, l, v) => `For the ${e}, the ${l} is ${v}.`,
  (e, l, v) => `People often ask about the ${l}; at the ${e} it is ${v}.`,
  (e, l, v) => `As for the ${l}, the ${e} has ${v}.`,
  (e, l, v) => `The ${e} lists its ${l} as ${v}.`,
  (e, l, v) => `According to the latest records, the ${l} of the ${e} is ${v}.`,
];

export function documentFor(entity: Entity, attributes: Record<string, Attribute>, seed: number, extra: string[] = []): string {
  const random = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const keys = Object.keys(entity.facts).filter((k) => attributes[k]);
  // Shuffle so facts appear in a different order in every document.
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j], keys[i]];
  }
  const asList = Math.floor(keys.length / 2);
  const inProse = keys.slice(0, keys.length - asList);
  const inList = keys.slice(keys.length - asList);
  const intro = pick([
    `# ${entity.name}\n\nThe ${entity.name} is ${entity.kind}.`,
    `# About the ${entity.name}\n\nThis page describes the ${entity.name}, ${entity.kind}.`,
    `# ${entity.name}: an overview\n\nWhat follows is a short guide to the ${entity.name}, which is ${entity.kind}.`,
  ]);
  const used = new Set<number>();
  const sentence = (k: string) => {
    let s = Math.floor(random() * SHAPES.length);
    while (used.has(s) && used.size < SHAPES.length) s = (s + 1) % SHAPES.length;
    used.add(s);
    return SHAPES[s](entity.name, attributes[k].label, entity.facts[k]);
  };
  const paragraphs = [intro];
  const first = inProse.slice(0, Math.ceil(inProse.length / 2)).map(sentence);
  const second = inProse.slice(Math.ceil(inProse.length / 2)).map(sentence);
  if (first.length) paragraphs.push(first.join(' '));
  if (inList.length) {
    const heading = pick(['Key facts:', 'At a glance:', 'Details worth knowing:']);
    paragraphs.push([heading, ...inList.map((k) => `- ${capital(attributes[k].label)} of the ${entity.name}: ${entity.facts[k]}`)].join('\n'));
  }
  if (second.length) paragraphs.push(second.join(' '));
  for (const e of extra) paragraphs.push(e);
  paragraphs.push(pick(['Details may change; check with the front desk before a visit.', 'This page is reviewed every season.', 'Questions about anything else go to the general enquiries desk.']));
  return `${paragraphs.join('\n\n')}\n`;
}
