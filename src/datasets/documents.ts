/**
 * The text documents in a Knowledge Base folder: one definition of which files count, shared by ingestion
 * (`ftrag run` on the emulator), KB coverage (`ftrag data check`) and ingestion cost (`ftrag cost`), so the three
 * always see the same corpus.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { InputError } from '../util/errors.js';

export const TEXT_DOCUMENT_EXTENSIONS: ReadonlySet<string> = new Set([
  '.txt', '.text', '.md', '.markdown', '.rst', '.html', '.htm', '.csv', '.json', '.jsonl', '.xml', '.yaml', '.yml',
]);

export interface TextDocument {
  /** Path relative to the folder, with `/` separators. */
  path: string;
  text: string;
}

/**
 * Every text document under `folder` (recursively, sorted by path; links are not followed), and how many other files
 * were skipped. A missing folder or a file instead of one is an InputError naming `field`.
 */
export async function readTextDocuments(folder: string, field?: string): Promise<{ documents: TextDocument[]; skipped: number }> {
  try {
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
  } catch (err) {
    throw new InputError(`Knowledge Base documents folder not found (or not a folder): ${(err as Error).message}`, { file: folder, field });
  }
  const documents: TextDocument[] = [];
  let skipped = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && TEXT_DOCUMENT_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        documents.push({ path: relative(folder, full).split(sep).join('/'), text: await readFile(full, 'utf8') });
      } else skipped++;
    }
  };
  await walk(folder);
  documents.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { documents, skipped };
}
