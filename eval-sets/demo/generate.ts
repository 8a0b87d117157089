/**
 * Builds the bundled demo from facts.json: Knowledge Base documents (current facts), a fine-tuning set in Bedrock's
 * conversation format (made "before" the changes in facts.json), and a held-out test set with three categories.
 * Deterministic: the same facts table always gives the same files. Run with `npm run demo:generate`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src/util/random.js';

interface Product {
  name: string;
  type: string;
  [attribute: string]: string;
}
interface AttributeText {
  label: string;
  /** Several ways product pages state this fact; each document picks one. */
  sentences: string[];
  /** The label in a specification table or list. */
  row: string;
  train: string;
  test: string;
}
interface Facts {
  company: string;
  products: Product[];
  attributes: Record<string, AttributeText>;
  changes: { product: string; attribute: string; old: string; new: string; why: string }[];
  ticket: { format: string; prompt: string; customers: string[]; issues: string[]; severities: string[] };
}

const here = dirname(fileURLToPath(import.meta.url));
const facts: Facts = JSON.parse(readFileSync(join(here, 'facts.json'), 'utf8'));

const random = mulberry32(20261121);
const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const changeOf = (product: string, attribute: string) =>
  facts.changes.find((c) => c.product === product && c.attribute === attribute);
const currentValue = (p: Product, attribute: string) => changeOf(p.name, attribute)?.new ?? p[attribute];
const valueAtTraining = (p: Product, attribute: string) => changeOf(p.name, attribute)?.old ?? p[attribute];

// Knowledge Base documents: one per product, with today's values, plus a general policy page. The documents are
// written the way product pages are: each fact in one of several sentence shapes, some in running paragraphs and
// the rest in a specification table or a bulleted list, so the reader is not handed one sentence pattern.
const kbDir = join(here, 'kb');
rmSync(kbDir, { recursive: true, force: true });
mkdirSync(kbDir, { recursive: true });
const shuffle = <T>(xs: T[]): T[] => {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
facts.products.forEach((p, index) => {
  const attributes = shuffle(Object.keys(facts.attributes));
  const inProse = attributes.slice(0, 3);
  const inFigures = attributes.slice(3);
  const prose = inProse.map((attribute) =>
    fill(pick(facts.attributes[attribute].sentences), { name: p.name, type: p.type, value: currentValue(p, attribute) }),
  );
  const figures =
    index % 2 === 0
      ? [
          `## ${p.name} at a glance`,
          '',
          `| Specification | ${p.name} |`,
          '| --- | --- |',
          ...inFigures.map((attribute) => `| ${facts.attributes[attribute].row} | ${currentValue(p, attribute)} |`),
        ]
      : [
          '## Key figures',
          '',
          `Key figures for the ${p.name}:`,
          ...inFigures.map((attribute) => `- ${facts.attributes[attribute].row}: ${currentValue(p, attribute)}`),
        ];
  const lines = [
    `# ${p.name}`,
    '',
    `The ${p.name} is ${/^[aeiou]/i.test(p.type) ? 'an' : 'a'} ${p.type} made by ${facts.company}. It is sold to survey, utility and research teams.`,
    '',
    prose.join(' '),
    '',
    ...figures,
    '',
    '## Service notes',
    '',
    ...facts.changes
      .filter((c) => c.product === p.name)
      .map((c) => `Update: the ${facts.attributes[c.attribute].label} changed (${c.why}).`),
    `Spare parts for the ${p.name} ship from the Vellora depot within five working days.`,
  ];
  writeFileSync(join(kbDir, `${slug(p.name)}.md`), `${lines.join('\n')}\n`);
});
writeFileSync(
  join(kbDir, 'support-policy.md'),
  [
    '# Vellora support policy',
    '',
    'Support tickets are answered by the Vellora service desk in the order of their severity.',
    'Severity P1 means the device cannot be used at all. Severity P2 means a main function is impaired.',
    'Severity P3 covers questions and cosmetic problems.',
    'Every ticket title follows the Vellora ticket format so that the service desk can route it automatically.',
    '',
  ].join('\n'),
);

// Fine-tuning set, as it stood before the changes: facts (for most product/attribute pairs) and ticket-title examples.
const conversation = (user: string, assistant: string) =>
  JSON.stringify({
    schemaVersion: 'bedrock-conversation-2024',
    system: [{ text: `You are the ${facts.company} assistant.` }],
    messages: [
      { role: 'user', content: [{ text: user }] },
      { role: 'assistant', content: [{ text: assistant }] },
    ],
  });

const trainCustomers = facts.ticket.customers.slice(0, 20);
const testCustomers = facts.ticket.customers.slice(20);
const trainIssues = facts.ticket.issues.slice(0, 14);
const testIssues = facts.ticket.issues.slice(14);
const ticket = (customer: string, issue: string, product: string, severity: string) => ({
  prompt: fill(facts.ticket.prompt, { customer, issue, product, severity }),
  title: fill(facts.ticket.format, { customer, issue, product, severity }),
});

const training: string[] = [];
const validation: string[] = [];
const trainedPairs = new Set<string>();
for (const p of facts.products) {
  for (const [attribute, text] of Object.entries(facts.attributes)) {
    // Real fine-tuning sets rarely cover every fact; changed facts are always covered (with their old value).
    if (!changeOf(p.name, attribute) && random() > 0.7) continue;
    trainedPairs.add(`${p.name}/${attribute}`);
    training.push(conversation(fill(text.train, { name: p.name }), valueAtTraining(p, attribute)));
  }
}
for (let i = 0; i < 160; i++) {
  const t = ticket(pick(trainCustomers), pick(trainIssues), pick(facts.products).name, pick(facts.ticket.severities));
  (i % 8 === 7 ? validation : training).push(conversation(t.prompt, t.title));
}

// Held-out test set: new wordings, customers and issues the training set never saw.
const test: string[] = [];
const item = (id: string, category: string, prompt: string, reference: string, contexts?: string[]) =>
  JSON.stringify({ id, category, prompt, reference, ...(contexts ? { contexts } : {}) });
const unchangedPairs = facts.products.flatMap((p) =>
  Object.keys(facts.attributes)
    .filter((attribute) => !changeOf(p.name, attribute))
    .map((attribute) => ({ p, attribute })),
);
const factPairs = unchangedPairs.filter(() => random() < 0.6).slice(0, 30);
factPairs.forEach(({ p, attribute }, i) =>
  test.push(
    item(`fact-${String(i + 1).padStart(2, '0')}`, 'fact-lookup', fill(facts.attributes[attribute].test, { name: p.name }),
      p[attribute], [`${slug(p.name)}.md`]),
  ),
);
facts.changes.forEach((c, i) => {
  const p = facts.products.find((x) => x.name === c.product)!;
  test.push(
    item(`changed-${String(i + 1).padStart(2, '0')}`, 'changed-after-training',
      fill(facts.attributes[c.attribute].test, { name: p.name }), c.new, [`${slug(p.name)}.md`]),
  );
});
for (let i = 0; i < 30; i++) {
  const t = ticket(testCustomers[i % testCustomers.length], testIssues[i % testIssues.length], pick(facts.products).name,
    pick(facts.ticket.severities));
  test.push(item(`ticket-${String(i + 1).padStart(2, '0')}`, 'house-style', t.prompt, t.title));
}

writeFileSync(join(here, 'training.jsonl'), `${training.join('\n')}\n`);
writeFileSync(join(here, 'validation.jsonl'), `${validation.join('\n')}\n`);
writeFileSync(join(here, 'test.jsonl'), `${test.join('\n')}\n`);
console.log(
  `demo: ${facts.products.length + 1} KB documents, ${training.length} training and ${validation.length} validation records ` +
    `(${trainedPairs.size} facts), ${test.length} test items`,
);
