/**
 * Builds the bundled general-capability set (`squad-v2-general.jsonl`) from the SQuAD 2.0 dev file (CS224n split):
 * every question of every 10th paragraph (index 2, 12, 22, ...) of articles 9-15 in file order, the half of the dev file
 * nothing in the reference model was tuned on, and disjoint from the reader's regression slice (every 7th paragraph
 * from index 0, test/fixtures/squad-slice). Each question becomes one item whose prompt carries its Wikipedia
 * paragraph, so the set measures reading ability (what fine-tuning must not destroy), not world knowledge.
 * Answerable and unanswerable questions are both kept (v2 scoring: unanswerable = reference ""). Deterministic.
 * Run: `node --import tsx eval-sets/general/generate.ts [path/to/squad-dev-v2.0.json]`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** `shared/data/...` in the nearest ancestor of the checkout that has it (as test/shared-data.ts finds it). */
function sharedSquad(): string {
  for (let dir = join(HERE, '..', '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'data', 'squad-dev-v2.0-cs224n.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('SQuAD 2.0 dev file not found: pass its path as the first argument');
  }
}
const source = process.argv[2] ?? sharedSquad();

interface Qa { id: string; question: string; answers?: { text: string }[]; is_impossible?: boolean }
const doc = JSON.parse(readFileSync(source, 'utf8')) as { data: { title: string; paragraphs: { context: string; qas: Qa[] }[] }[] };

const lines: string[] = [];
doc.data.slice(9, 16).forEach((article) => {
  article.paragraphs.forEach((p, i) => {
    if (i % 10 !== 2) return;
    for (const qa of p.qas) {
      const texts = [...new Set((qa.answers ?? []).map((a) => a.text))];
      const impossible = qa.is_impossible === true || texts.length === 0;
      lines.push(
        JSON.stringify({
          id: qa.id,
          category: article.title,
          prompt: `${p.context}\n\nQuestion: ${qa.question.trim()}`,
          references: impossible ? [''] : texts,
        }),
      );
    }
  });
});
writeFileSync(join(HERE, 'squad-v2-general.jsonl'), lines.join('\n') + '\n');
console.log(`wrote ${lines.length} items`);
