/**
 * A small made-up domain (a city's transit lines) written as a new user's files would be: a CSV of questions, a
 * folder of documents and a {prompt, completion} training file. Nothing here is shared with the bundled demo.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LINES = [
  { name: 'Brindle Ferry', fact: 'departs every', value: '22 minutes', stop: 'Harbour Quay' },
  { name: 'Osmer Tram', fact: 'runs until', value: '01:40', stop: 'Old Mill' },
  { name: 'Kettle Line', fact: 'costs', value: '3.20 florins', stop: 'Market Hall' },
  { name: 'Varn Shuttle', fact: 'seats', value: '48 riders', stop: 'Airport West' },
  { name: 'Pell Cable Car', fact: 'climbs', value: '412 metres', stop: 'Summit Park' },
  { name: 'Dunmore Bus 9', fact: 'takes', value: '35 minutes', stop: 'Dunmore Square' },
];

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Writes questions.csv, docs/ and train.jsonl under `dir` (or `dir/sub`); returns their paths. */
export function writeNewUserFiles(dir: string, sub = ''): { evalSet: string; documents: string; training: string } {
  const base = join(dir, sub);
  mkdirSync(join(base, 'docs'), { recursive: true });
  LINES.forEach((l, i) =>
    writeFileSync(join(base, 'docs', `line-${i + 1}.md`), `# ${l.name}\n\nThe ${l.name} ${l.fact} ${l.value}. Its main stop is ${l.stop}.\n`),
  );
  const rows = [['id', 'prompt', 'reference', 'category']];
  LINES.forEach((l, i) => {
    rows.push([`stop-${i + 1}`, `What is the main stop of the ${l.name}?`, l.stop, 'stops']);
    rows.push([`fact-${i + 1}`, `The ${l.name} ${l.fact} what?`, l.value, 'facts']);
  });
  writeFileSync(join(base, 'questions.csv'), `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`);
  const train: string[] = [];
  for (const l of LINES) {
    for (const t of ['Where does the {n} mainly stop?', 'Name the main stop of the {n}.', 'Which stop is the hub of the {n}?']) {
      train.push(JSON.stringify({ prompt: t.replace('{n}', l.name), completion: l.stop }));
    }
  }
  writeFileSync(join(base, 'train.jsonl'), `${train.join('\n')}\n`);
  return { evalSet: join(base, 'questions.csv'), documents: join(base, 'docs'), training: join(base, 'train.jsonl') };
}
