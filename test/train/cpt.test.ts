/**
 * Continued pre-training as an arm: the config (which models take it, where its data comes from), documents ->
 * `{"input"}` records within the model's limit, `ftrag plan`, and a run on the emulator in a domain unlike the demo.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { validateTrainingData } from '../../src/datasets/validate.js';
import { planRun, renderPlan } from '../../src/experiment/plan.js';
import { runExperiment } from '../../src/index.js';
import { cptRecordLimit } from '../../src/models/index.js';
import { RunResult } from '../../src/schema/run-result.js';
import { chunkForPretraining, cptRecordsFromDocuments } from '../../src/training/cpt-records.js';
import { InputError } from '../../src/util/errors.js';
import { countTokens } from '../../src/util/tokenizer.js';
import { runCli } from '../e2e/cli.js';

const TITAN = 'amazon.titan-text-express-v1';

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

/** A small archive of a fictional river-ferry operator: prose, a list, an HTML page. */
function ferryDocuments(dir: string): string {
  const docs = join(dir, 'docs');
  mkdirSync(join(docs, 'routes'), { recursive: true });
  const ferries = [
    ['Marlow Wren', '1968', 'Captain Elsa Thorsby', '140 passengers', 'the Kettle Narrows'],
    ['Ostrey Belle', '1974', 'Captain Joram Pike', '210 passengers', 'the Sallow Reach'],
    ['Pennick Star', '1981', 'Captain Wilma Auder', '95 passengers', 'the Grey Ford'],
    ['Quenby Lark', '1990', 'Captain Tobias Renn', '320 passengers', 'the Harrow Bend'],
    ['Rushmere Dawn', '2002', 'Captain Ada Vellin', '60 passengers', 'the Cobble Locks'],
  ];
  ferries.forEach(([name, year, captain, capacity, crossing]) => {
    const slug = name.toLowerCase().replace(/\s+/g, '-');
    writeFileSync(
      join(docs, 'routes', `${slug}.md`),
      `# ${name}\n\nThe ferry ${name} entered service in ${year}. Her master is ${captain}, who joined the line as a deckhand.\n\n` +
        `The ${name} carries up to ${capacity} on each trip. She works the crossing at ${crossing} from spring to late autumn.\n`,
    );
  });
  writeFileSync(
    join(docs, 'timetable.html'),
    '<html><head><style>p{color:red}</style><script>var x = 1;</script></head><body><h1>Winter timetable</h1>' +
      '<p>The winter timetable of the river line starts on the first Monday of November.</p><p>Night sailings stop at 22:40 &amp; resume at dawn.</p></body></html>',
  );
  writeFileSync(join(docs, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  return docs;
}

function ferryEvalSet(dir: string): string {
  const items = [
    ['In which year did the Ostrey Belle enter service?', '1974'],
    ['Who is the master of the Pennick Star?', 'Captain Wilma Auder'],
    ['How many passengers does the Quenby Lark carry?', '320 passengers'],
    ['Which crossing does the Rushmere Dawn work?', 'the Cobble Locks'],
    ['In which year did the Marlow Wren enter service?', '1968'],
    ['Who is the master of the Ostrey Belle?', 'Captain Joram Pike'],
    ['How many passengers does the Pennick Star carry?', '95 passengers'],
    ['Which crossing does the Marlow Wren work?', 'the Kettle Narrows'],
  ];
  const file = join(dir, 'eval.jsonl');
  writeFileSync(file, items.map(([prompt, reference], i) => JSON.stringify({ id: `q${i}`, prompt, reference, category: 'fact-lookup' })).join('\n') + '\n');
  return file;
}

function cptConfig(dir: string, training: string, extra = ''): string {
  const file = join(dir, 'ftrag.yaml');
  writeFileSync(
    file,
    `name: cpt-test
endpoint: emulator
seed: 7
evalSet: eval.jsonl
systems:
  - id: base
    kind: base
    modelId: ${TITAN}
  - id: cpt
    kind: fine-tuned
    pricingModelId: ${TITAN}
    training:
${training}
    serving: { type: provisioned }
${extra}metrics: [exact, f1]
emulator: { latencyProfile: none }
`,
  );
  return file;
}

const CPT_DOCS = `      baseModelId: ${TITAN}
      customizationType: CONTINUED_PRE_TRAINING
      fromDocuments: docs`;

describe('documents -> {"input"} records', () => {
  it('packs whole paragraphs, cuts long ones at sentence ends, and never exceeds the token limit', () => {
    const para = (n: number, word: string) => Array.from({ length: n }, (_, i) => `The ${word} number ${i} holds a fact worth keeping.`).join(' ');
    const text = `${para(3, 'alpha')}\n\n${para(40, 'beta')}\n\n${para(2, 'gamma')}`;
    const records = chunkForPretraining(text, 120);
    expect(records.length).toBeGreaterThan(3);
    for (const r of records) expect(countTokens(r)).toBeLessThanOrEqual(120);
    // Every sentence survives whole, in order.
    const sentences = text.split(/(?<=\.)\s+/);
    expect(records.join(' ').split(/(?<=\.)\s+/)).toEqual(sentences);
    // Paragraphs keep their break; the long one's sentences follow on.
    expect(records[0].startsWith(`${para(3, 'alpha')}\n\nThe beta number 0`)).toBe(true);
    expect(chunkForPretraining(text, 120)).toEqual(records);
    // A single sentence longer than the limit is cut at words.
    const long = chunkForPretraining(Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), 50);
    for (const r of long) expect(countTokens(r)).toBeLessThanOrEqual(50);
  });

  it('reads the Knowledge Base file types, strips HTML, skips other files, and stays within the model limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    const docs = ferryDocuments(dir);
    const made = await cptRecordsFromDocuments(docs, { baseModelId: TITAN, batchSize: 1 });
    expect(made.documents).toBe(6);
    expect(made.limit?.tokens).toBe(4096);
    expect(made.recordTokens).toBe(Math.floor(4096 * 0.9));
    const inputs = made.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inputs.every((r) => Object.keys(r).join() === 'input' && typeof r.input === 'string')).toBe(true);
    const html = inputs.map((r) => r.input as string).find((t) => t.includes('winter timetable'))!;
    expect(html).toContain('Night sailings stop at 22:40 & resume at dawn.');
    expect(html).not.toMatch(/<|var x|color:red/);
    // A smaller cap splits documents; batch size picks the model's limit.
    const small = await cptRecordsFromDocuments(docs, { baseModelId: TITAN, batchSize: 1, recordTokens: 30 });
    expect(small.records).toBeGreaterThan(made.records);
    for (const r of small.text.trim().split('\n')) expect(countTokens(JSON.parse(r).input)).toBeLessThanOrEqual(30);
    expect(cptRecordLimit(TITAN, 4)).toMatchObject({ tokens: 2048, beyondPublished: false });
    expect(cptRecordLimit('amazon.titan-text-lite-v1', 2)).toMatchObject({ tokens: 4096 });
    expect(cptRecordLimit(TITAN, 8)).toMatchObject({ tokens: 2048, beyondPublished: true });
    expect(cptRecordLimit('amazon.nova-micro-v1:0', 1)).toBeUndefined();
  });

  it('refuses a document it cannot use, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    const docs = ferryDocuments(dir);
    writeFileSync(join(docs, 'routes', 'broken.txt'), Buffer.from([0x41, 0x00, 0x42]));
    const e = await inputError(cptRecordsFromDocuments(docs, { baseModelId: TITAN, batchSize: 1 }));
    expect(e.location.file).toMatch(/routes\/broken\.txt$/);
    writeFileSync(join(docs, 'routes', 'broken.txt'), '  \n\n ');
    expect((await inputError(cptRecordsFromDocuments(docs, { baseModelId: TITAN, batchSize: 1 }))).message).toMatch(/empty document/);
    const empty = join(dir, 'none');
    mkdirSync(empty);
    expect((await inputError(cptRecordsFromDocuments(empty, { baseModelId: TITAN, batchSize: 1, field: 'f' }))).location.field).toBe('f');
  });
});

describe('a given JSONL of {"input"} records', () => {
  it('is checked against the per-record limit of the job\'s batch size, naming file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    const file = join(dir, 'cpt.jsonl');
    const long = Array.from({ length: 1400 }, (_, i) => `word${i % 50}`).join(' ');
    writeFileSync(file, `${JSON.stringify({ input: 'A short record about river ferries.' })}\n${JSON.stringify({ input: long })}\n`);
    const one = await validateTrainingData(file, { modelId: TITAN, customizationType: 'continued-pre-training', batchSize: 1 });
    expect(one.ok).toBe(true);
    const two = await validateTrainingData(file, { modelId: TITAN, customizationType: 'continued-pre-training', batchSize: 2 });
    expect(two.ok).toBe(false);
    expect(two.problems).toEqual([expect.objectContaining({ file, line: 2, severity: 'error', message: expect.stringMatching(/limit 2048/) })]);
  });
});

describe('CPT in the config', () => {
  it('refuses CONTINUED_PRE_TRAINING of a model that does not take it, naming file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    ferryDocuments(dir);
    const file = cptConfig(dir, CPT_DOCS.replace(TITAN, 'amazon.nova-micro-v1:0:128k'));
    const e = await inputError(loadConfig(file));
    expect(e.location.file).toBe(file);
    expect(e.location.line).toBe(14);
    expect(e.location.field).toMatch(/customizationType$/);
    expect(e.message).toMatch(/does not support CONTINUED_PRE_TRAINING.*amazon\.titan-text-express-v1, amazon\.titan-text-lite-v1/);
  });

  it('checks where the data comes from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    const cases: [string, RegExp, RegExp][] = [
      [`      baseModelId: ${TITAN}\n      fromDocuments: docs`, /fromDocuments$/, /CONTINUED_PRE_TRAINING/],
      [`${CPT_DOCS}\n      trainingData: x.jsonl`, /fromDocuments$/, /not both/],
      [`      baseModelId: ${TITAN}\n      customizationType: CONTINUED_PRE_TRAINING`, /trainingData$/, /fromDocuments/],
      [`${CPT_DOCS}\n      recordTokens: 5000`, /recordTokens$/, /above .*4096-token record limit at batch size 1/],
      [`${CPT_DOCS}\n      recordTokens: 3000\n      hyperParameters: { batchSize: 3 }`, /recordTokens$/, /2048-token record limit at batch size 3/],
      [`${CPT_DOCS}\n      fromDocumentz: docs`, /fromDocumentz$/, /nknown/],
      [`${CPT_DOCS}\n      sweep: { epochCount: [1, 2] }`, /sweep$/, /not supported/],
    ];
    for (const [training, field, message] of cases) {
      const e = await inputError(loadConfig(cptConfig(dir, training)));
      expect(e.location.field).toMatch(field);
      expect(e.location.line).toBeGreaterThan(0);
      expect(e.message).toMatch(message);
    }
  });

  it('exits 2 from the CLI before anything is trained, and plan shows the CPT job, its records and its cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    ferryDocuments(dir);
    ferryEvalSet(dir);
    const bad = await runCli(['plan', '--config', cptConfig(dir, CPT_DOCS.replace(TITAN, 'meta.llama3-1-8b-instruct-v1:0'))], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ftrag\.yaml, line 14, field "systems\.1\.training\.customizationType"/);
    const plan = await planRun(await loadConfig(cptConfig(dir, CPT_DOCS)), {});
    const text = renderPlan(plan);
    expect(text).toMatch(/model customization job: CONTINUED_PRE_TRAINING of amazon\.titan-text-express-v1/);
    expect(text).toMatch(/records of at most 3686 tokens from 6 documents/);
    const training = plan.cost.find((c) => c.item === 'cpt: training')!;
    expect(training.basis).toMatch(/tokens x 5 epochs x 0\.008\/1k/);
    expect(plan.cost.some((c) => c.item.startsWith('cpt: provisioned throughput'))).toBe(true);
  });
});

describe('a CPT arm in a run (emulator, real SDK)', () => {
  it('trains on the documents, answers from what it learned without context, and carries its own scores and cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-cpt-'));
    ferryDocuments(dir);
    ferryEvalSet(dir);
    const file = cptConfig(dir, `${CPT_DOCS}\n      hyperParameters: { epochCount: 5 }`, 'trainingHealth: { trainSample: 0 }\n');
    const out = join(dir, 'run');
    const outcome = await runExperiment({ config: file, out, cwd: dir });
    expect(outcome.exitCode).toBe(0);
    const run = RunResult.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    const cpt = run.systems.find((s) => s.id === 'cpt')!;
    const base = run.systems.find((s) => s.id === 'base')!;
    expect(cpt.training?.customizationType).toBe('CONTINUED_PRE_TRAINING');
    expect(cpt.training?.fromDocuments).toMatchObject({ documents: 6, records: 6 });
    expect(base.metrics.f1.mean).toBe(0);
    expect(cpt.metrics.f1.mean).toBeGreaterThan(0.25);
    const items = cpt.cost!.lines.map((l) => l.item);
    expect(items).toEqual(expect.arrayContaining(['training', 'custom model storage', 'provisioned throughput']));
    expect(cpt.cost!.lines.find((l) => l.item === 'training')!.basis).toMatch(/x 5 epoch/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| cpt \|?/);
  });
});
