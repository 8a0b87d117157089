/**
 * SQuAD v2 JSON (`data[].paragraphs[].qas[]`): each question becomes an item; answer texts become references
 * (an unanswerable question gets `[""]`, as the official script scores it); the article title is the category and
 * the paragraph the gold context.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../util/errors.js';
import { assertReadableFile } from './lines.js';
import type { EvalItem } from './types.js';

/** Node 20's JSON.parse does not always give a position; the YAML parser reads JSON and reports lines. */
function jsonErrorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec((err as Error).message);
  if (m) return text.slice(0, Number(m[1])).split('\n').length;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return doc.errors[0]?.linePos?.[0]?.line;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export async function readSquadV2(file: string): Promise<{ items: EvalItem[]; sha256: string }> {
  await assertReadableFile(file);
  const bytes = await readFile(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new InputError('empty file: expected SQuAD v2 JSON with a "data" array', { file });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`invalid JSON (${(err as Error).message})`, { file, line: jsonErrorLine(text, err) });
  }
  const fail = (field: string, message: string): never => {
    throw new InputError(message, { file, field });
  };
  if (!isObject(doc) || !Array.isArray(doc.data)) fail('data', 'SQuAD v2 JSON needs a top-level "data" array');
  const items: EvalItem[] = [];
  (doc as { data: unknown[] }).data.forEach((article, a) => {
    const at = `data[${a}]`;
    if (!isObject(article)) fail(at, 'must be an object');
    const art = article as Record<string, unknown>;
    if (!Array.isArray(art.paragraphs)) fail(`${at}.paragraphs`, 'must be an array');
    const title = typeof art.title === 'string' ? art.title : undefined;
    (art.paragraphs as unknown[]).forEach((paragraph, p) => {
      const pat = `${at}.paragraphs[${p}]`;
      if (!isObject(paragraph)) fail(pat, 'must be an object');
      const para = paragraph as Record<string, unknown>;
      if (typeof para.context !== 'string') fail(`${pat}.context`, 'must be a string');
      if (!Array.isArray(para.qas)) fail(`${pat}.qas`, 'must be an array');
      (para.qas as unknown[]).forEach((qa, q) => {
        const qat = `${pat}.qas[${q}]`;
        if (!isObject(qa)) fail(qat, 'must be an object');
        const rec = qa as Record<string, unknown>;
        if (typeof rec.question !== 'string' || rec.question.trim() === '') fail(`${qat}.question`, 'must be a non-empty string');
        if (typeof rec.id !== 'string' || rec.id === '') fail(`${qat}.id`, 'must be a non-empty string');
        const answers = rec.answers ?? [];
        if (!Array.isArray(answers)) fail(`${qat}.answers`, 'must be an array');
        const texts: string[] = [];
        (answers as unknown[]).forEach((ans, i) => {
          if (!isObject(ans) || typeof ans.text !== 'string') fail(`${qat}.answers[${i}].text`, 'must be a string');
          const t = (ans as { text: string }).text;
          if (!texts.includes(t)) texts.push(t);
        });
        // is_impossible marks v2's unanswerable questions; their (plausible_)answers are not gold.
        const impossible = rec.is_impossible === true || texts.length === 0;
        const item: EvalItem = {
          id: rec.id as string,
          prompt: rec.question as string,
          references: impossible ? [''] : texts,
          contexts: [para.context as string],
        };
        if (title !== undefined) item.category = title;
        items.push(item);
      });
    });
  });
  return { items, sha256 };
}
