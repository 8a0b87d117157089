/**
 * `ftrag shadow` end to end, as a user runs it: traffic logged by the emulator (invocation logging on, through the
 * real SDK), then the built CLI replays it through candidates of a config and gates the result.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PutModelInvocationLoggingConfigurationCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startHarness, userMessage } from '../emulator/helpers.js';
import { runCli, tempDir } from './cli.js';
import { itemStreamOf, renderHtml } from '../../src/report/index.js';
import { loadRun } from '../fixtures/run-results/in-memory.js';

const MODEL = 'amazon.nova-micro-v1:0';
const places = ['Harbor Library', 'North Pool', 'Civic Museum', 'Elm Clinic', 'Rail Depot', 'Oak School', 'Bay Market', 'Hill Theater'];
const hours = ['7 am', '8 am', '9 am', '10 am', 'noon'];

let work: string;
let dataDir: string;
let config: string;
let rules: string;
let badLog: string;

beforeAll(async () => {
  work = tempDir('ftrag-shadow-');
  dataDir = join(work, 'emulator-data');
  const h = await startHarness({ dataDir });
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'app-logs' }));
  await h.clients.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig: { s3Config: { bucketName: 'app-logs', keyPrefix: 'prod' }, textDataDeliveryEnabled: true } }));
  for (let i = 0; i < 32; i++) {
    const place = places[i % places.length];
    const prompt = `${place} opens at ${hours[i % hours.length]} and closes ${4 + (i % 5)} hours later. ${i === 3 ? 'Reply to <script>alert(1)</script> or ana@example.com.' : ''} When does ${place} open?`;
    if (i % 8 === 7) {
      const s = await h.clients.runtime.send(new ConverseStreamCommand({ modelId: MODEL, messages: userMessage(prompt), inferenceConfig: { maxTokens: 64, temperature: 0 } }));
      for await (const _ of s.stream!) void _;
    } else await h.clients.runtime.send(new ConverseCommand({ modelId: MODEL, messages: userMessage(prompt), inferenceConfig: { maxTokens: 64, temperature: 0 } }));
  }
  await h.stop({ keepData: true });

  const kb = join(work, 'kb');
  mkdirSync(kb);
  writeFileSync(join(kb, 'gardening.md'), 'Tomatoes need six hours of sun. Water them at the base in the morning.\n');
  config = join(work, 'shadow.yaml');
  writeFileSync(
    config,
    stringify({
      name: 'shadow-e2e',
      endpoint: 'emulator',
      seed: 11,
      evalSet: 'unused.jsonl',
      systems: [
        { id: 'same', kind: 'base', modelId: MODEL },
        // Deliberately broken: a RAG template that drops the user's question, over an unrelated Knowledge Base.
        { id: 'broken', kind: 'rag', modelId: MODEL, knowledgeBase: { documents: kb, promptTemplate: 'Passages:\n$search_results$\nSummarize the passages.' } },
      ],
      inference: { maxTokens: 64, temperature: 0 },
      judge: { modelId: MODEL },
      runner: { cache: false, concurrency: 4 },
      emulator: { latencyProfile: 'none', dataDir },
    }),
  );
  rules = join(work, 'rules.yaml');
  writeFileSync(rules, stringify({ rules: [{ type: 'agreement-floor', metric: 'f1', min: 0.9 }, { type: 'judge-preference', alpha: 0.05 }, { type: 'error-rate', max: 0.05 }] }));
  badLog = join(work, 'extra.jsonl');
  writeFileSync(badLog, '{"schemaType":"ModelInvocationLog","requestId":"cut\n{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-30T10:00:00Z","requestId":"g1","operation":"ApplyGuardrail","modelId":"amazon.nova-micro-v1:0"}\n');
}, 300_000);

describe('ftrag shadow on logged emulator traffic', () => {
  it('an identical candidate agrees 100%, the judge preference is 50% (not significant), bad records are counted with file and line, and the gate passes', async () => {
    const out = join(work, 'same');
    const r = await runCli(['shadow', '--config', config, '--logs', 's3://app-logs/prod', '--logs', badLog, '--candidate', 'same', '--out', out, '--rules', rules, '--redact'], { cwd: work });
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/agrees with production on 100%/);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.kind).toBe('shadow');
    expect(run.schemaVersion).toBe(2);
    const s = run.shadow;
    expect(s.logs.usable).toBe(32);
    expect(s.agreement.exact.mean).toBe(1);
    expect(s.agreement.f1.mean).toBe(1);
    expect(s.judge).toMatchObject({ n: 32, wins: 0, losses: 0, ties: 32, pValue: 1 });
    expect(s.judge.preference.mean).toBe(0.5);
    expect(s.production.operations).toEqual({ Converse: 28, ConverseStream: 4 });
    expect(s.logs.bad.count).toBe(2);
    expect(s.logs.bad.examples).toEqual([
      expect.objectContaining({ file: badLog, line: 1, reason: expect.stringMatching(/invalid JSON/) }),
      expect.objectContaining({ file: badLog, line: 2, reason: expect.stringMatching(/ApplyGuardrail/) }),
    ]);
    expect(s.traffic.requests).toBe(32);
    expect(s.cost.differencePct).toBeCloseTo(0, 6);
    expect(s.redacted).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)');
    expect(readFileSync(join(out, 'run.json'), 'utf8')).not.toContain('ana@example.com');
    expect(readFileSync(join(out, 'items.jsonl'), 'utf8')).not.toContain('ana@example.com');
    expect(html).toContain('Redacted');
    expect(readFileSync(join(out, 'gate.md'), 'utf8')).toMatch(/agreement-floor/);
    // ftrag gate on the saved shadow run agrees (here, not in another test: the shuffled CI run reorders tests).
    const again = await runCli(['gate', '--current', join(out, 'run.json'), '--rules', rules], { cwd: work });
    expect(again.code).toBe(0);
  }, 300_000);

  it('a deliberately broken candidate fails the gate (exit 1), and ftrag gate on the saved shadow run agrees', async () => {
    const out = join(work, 'broken');
    const r = await runCli(['shadow', '--config', config, '--logs', 's3://app-logs/prod', '--candidate', 'broken', '--out', out, '--rules', rules], { cwd: work });
    expect(r.code).toBe(1);
    const run = await loadRun(join(out, 'run.json'));
    expect(run.shadow!.agreement.f1.ci95[0]).toBeLessThan(0.9);
    // The agreement floor fails it; the judge ran on every pair (its direction is the emulator's grounding rule's).
    expect(run.shadow!.judge!.n + run.shadow!.judge!.unparseable).toBe(32);
    // The largest disagreements are shown side by side: logged and generated text is escaped, never markup.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('<script>alert(1)');
    // The report shows the lowest scores first, ties by item id; request ids and arrival order vary from run to run,
    // so the hostile answer goes on the item that sorts first.
    const shown = [...run.items].sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    shown.results.broken.output = '<img src=x onerror=alert(2)>';
    shown.results.broken.scores.f1 = 0;
    const html = await renderHtml(run, itemStreamOf(run.items));
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toContain('<img src=x');
    const g = await runCli(['gate', '--current', join(out, 'run.json'), '--rules', rules], { cwd: work });
    expect(g.code).toBe(1);
    expect(g.stdout).toMatch(/agreement-floor/);
  }, 300_000);

  it('exits 2 naming the file and line when no record is usable', async () => {
    const r = await runCli(['shadow', '--config', config, '--logs', badLog, '--candidate', 'same', '--out', join(work, 'none')], { cwd: work });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(badLog);
    expect(r.stderr).toMatch(/line 1/);
    expect(r.stderr).toMatch(/nothing to compare/);
  }, 300_000);

  it('a sample is reproducible across runs', async () => {
    const a = await runCli(['shadow', '--config', config, '--logs', 's3://app-logs/prod', '--candidate', 'same', '--sample', '10', '--out', join(work, 's1'), '-q'], { cwd: work });
    const b = await runCli(['shadow', '--config', config, '--logs', 's3://app-logs/prod', '--candidate', 'same', '--sample', '10', '--out', join(work, 's2'), '-q'], { cwd: work });
    expect([a.code, b.code]).toEqual([0, 0]);
    const ids = async (d: string) => (await loadRun(join(work, d, 'run.json'))).items.map((i) => i.id);
    expect(await ids('s1')).toHaveLength(10);
    expect(await ids('s1')).toEqual(await ids('s2'));
  }, 300_000);
});
