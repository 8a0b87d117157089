/**
 * Answer templates: the output classes of the custom model. A template is a completion with COPY SLOTS: runs of at
 * least MIN_SLOT_WORDS completion words that occurred contiguously in the training prompt. A slot remembers the prompt
 * words around it (anchors), so at inference it copies whatever the new prompt has between the same anchors. Two
 * completions that differ only in copied text become one template, which is how a format is learned from examples.
 */
import { isStopword } from './text.js';

export const MIN_SLOT_WORDS = 2;
/** Slot detection is quadratic in the worst case; longer texts keep their first words only for matching. */
const MAX_MATCH_WORDS = 2000;

export interface Slot {
  /** Up to two normalized prompt words before the copied run ("^" = start of prompt). */
  left: string[];
  /** The normalized prompt word after the run ("$" = end of prompt). */
  right: string;
  /** Punctuation the completion put before/after the copied words. */
  lead: string;
  trail: string;
  /** The training value, used when the new prompt lacks an anchor. */
  fallback: string;
}

export interface Template {
  /** Literal text and slot indexes, in order. */
  parts: (string | number)[];
  slots: Slot[];
}

interface WordSeq {
  raw: string[];
  norm: string[];
  /** seps[i] precedes raw[i]; seps[raw.length] trails. */
  seps: string[];
}

function splitWords(text: string): WordSeq {
  const pieces = text.split(/(\s+)/u);
  const raw: string[] = [];
  const seps: string[] = [];
  let pendingSep = '';
  for (const p of pieces) {
    if (p === '') continue;
    if (/^\s+$/u.test(p)) pendingSep += p;
    else {
      seps.push(pendingSep);
      raw.push(p);
      pendingSep = '';
    }
  }
  seps.push(pendingSep);
  return { raw, norm: raw.map(normWord), seps };
}

function normWord(w: string): string {
  const core = w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  return core === '' ? w.toLowerCase() : core;
}

const LEAD_PUNCT_RE = /^[^\p{L}\p{N}]*/u;
const TRAIL_PUNCT_RE = /[^\p{L}\p{N}]*$/u;
const stripLead = (w: string) => w.replace(LEAD_PUNCT_RE, '');
const stripTrail = (w: string) => w.replace(TRAIL_PUNCT_RE, '');

export function normalizeCompletion(completion: string): string {
  return completion.replace(/\r\n?/g, '\n').trim();
}

/** Build the template of one (prompt, completion) pair. */
export function buildTemplate(prompt: string, completion: string): Template {
  const p = splitWords(prompt);
  const c = splitWords(normalizeCompletion(completion));
  const positions = new Map<string, number[]>();
  const pLen = Math.min(p.norm.length, MAX_MATCH_WORDS);
  for (let i = 0; i < pLen; i++) {
    const list = positions.get(p.norm[i]);
    if (list) list.push(i);
    else positions.set(p.norm[i], [i]);
  }
  // First find the copied runs, then anchor each one on prompt words that are not themselves copied: an anchor
  // inside another slot's text would make every example's template different and no format could be learned.
  const runs: { at: number; len: number; pos: number }[] = [];
  const copied = new Uint8Array(p.norm.length);
  let i = 0;
  while (i < c.raw.length) {
    let bestLen = 0;
    let bestPos = -1;
    if (i < MAX_MATCH_WORDS) {
      for (const pos of positions.get(c.norm[i]) ?? []) {
        let l = 0;
        while (i + l < c.raw.length && pos + l < pLen && c.norm[i + l] === p.norm[pos + l]) l++;
        if (l > bestLen) {
          bestLen = l;
          bestPos = pos;
        }
      }
    }
    // A run's ends must be copied verbatim (case and inner punctuation): "customer:" in a format is literal text even
    // when the prompt says "Customer", and only what is copied as written is a slot.
    let at = i;
    let pos = bestPos;
    let len = bestLen;
    while (len > 0 && stripLead(c.raw[at]) !== stripLead(p.raw[pos])) {
      at++;
      pos++;
      len--;
    }
    while (len > 0 && stripTrail(c.raw[at + len - 1]) !== stripTrail(p.raw[pos + len - 1])) len--;
    if (len >= MIN_SLOT_WORDS && c.norm.slice(at, at + len).some((w) => !isStopword(w))) {
      runs.push({ at, len, pos });
      copied.fill(1, pos, pos + len);
      i = at + len;
    } else {
      i++;
    }
  }

  const parts: (string | number)[] = [];
  const slots: Slot[] = [];
  let literal = '';
  i = 0;
  for (const run of [...runs, { at: c.raw.length, len: 0, pos: -1 }]) {
    for (; i < run.at; i++) literal += c.seps[i] + c.raw[i];
    if (run.len === 0) break;
    literal += c.seps[i];
    parts.push(literal);
    literal = '';
    slots.push({
      left: leftAnchor(p.norm, copied, run.pos),
      right: run.pos + run.len < p.norm.length ? p.norm[run.pos + run.len] : '$',
      lead: LEAD_PUNCT_RE.exec(c.raw[i])?.[0] ?? '',
      trail: TRAIL_PUNCT_RE.exec(c.raw[i + run.len - 1])?.[0] ?? '',
      fallback: joinWords(c, i, i + run.len),
    });
    parts.push(slots.length - 1);
    i += run.len;
  }
  literal += c.seps[c.raw.length];
  if (literal !== '' || parts.length === 0) parts.push(literal);
  return { parts, slots };
}

/** Up to two prompt words before position pos that no slot copies ("^" when the run starts the prompt). */
function leftAnchor(norm: string[], copied: Uint8Array, pos: number): string[] {
  if (pos === 0) return ['^'];
  const words: string[] = [];
  for (let k = pos - 1; k >= 0 && words.length < 2 && !copied[k]; k--) words.unshift(norm[k]);
  return words;
}

function joinWords(seq: WordSeq, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += (k > from ? seq.seps[k] : '') + seq.raw[k];
  return s;
}

/** A stable identity for a template: equal keys are the same output class. Fallback values are not part of it. */
export function templateKey(t: Template): string {
  return JSON.stringify([t.parts, t.slots.map((s) => [s.left, s.right, s.lead, s.trail])]);
}

/** Realize a template against a new prompt, filling copy slots between the same anchors. */
export function realizeTemplate(t: Template, prompt: string): string {
  const p = splitWords(prompt);
  let out = '';
  for (const part of t.parts) {
    if (typeof part === 'string') out += part;
    else out += fillSlot(t.slots[part], p);
  }
  return out;
}

/** Word range [start, end) between the slot's anchors in p, if both anchors are found. */
function slotRange(slot: Slot, p: WordSeq): [number, number] | undefined {
  const start = findLeft(slot.left, p.norm);
  if (start < 0) return undefined;
  let end = -1;
  if (slot.right === '$') end = p.raw.length;
  else {
    for (let k = start + 1; k < p.norm.length; k++) {
      if (p.norm[k] === slot.right) {
        end = k;
        break;
      }
    }
  }
  return end > start ? [start, end] : undefined;
}

function fillSlot(slot: Slot, p: WordSeq): string {
  const range = slotRange(slot, p);
  if (!range) return slot.fallback;
  const [start, end] = range;
  const value = joinWords(p, start, end)
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/[^\p{L}\p{N}]+$/u, '');
  return value === '' ? slot.fallback : slot.lead + value + slot.trail;
}

/** Index of the first word after the left anchor; tries both anchor words, then the nearer one alone. */
function findLeft(left: string[], norm: string[]): number {
  if (left.length === 0) return -1;
  if (left.length === 1 && left[0] === '^') return 0;
  const attempts = left.length === 2 ? [left, left.slice(1)] : [left];
  for (const anchor of attempts) {
    for (let k = 0; k + anchor.length <= norm.length; k++) {
      if (anchor.every((w, j) => norm[k + j] === w)) return k + anchor.length;
    }
  }
  return -1;
}

/**
 * The prompt with the text this template would copy removed. Copied content is not evidence for a format (any
 * ticket text can fill a ticket template), so a slotted template is learned and scored on the prompt without it.
 * Undefined when the template has no slots or none of its anchors are found.
 */
export function maskSlots(t: Template, prompt: string): string | undefined {
  if (t.slots.length === 0) return undefined;
  const p = splitWords(prompt);
  const drop = new Uint8Array(p.raw.length);
  let found = false;
  for (const slot of t.slots) {
    const range = slotRange(slot, p);
    if (!range) continue;
    found = true;
    for (let k = range[0]; k < range[1]; k++) drop[k] = 1;
  }
  if (!found) return undefined;
  return p.raw.filter((_, k) => !drop[k]).join(' ');
}
