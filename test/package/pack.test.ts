/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty project (from the npm cache
 * that `npm ci` filled), then run a tiny experiment through `import { runExperiment } from 'ftrag'` and through
 * `npx ftrag`. Uses the dist/ that `npm test` builds first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const quietEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

let project: string;

/** A two-system experiment on the installed package's own demo files: small enough to run in seconds. */
function tinyConfig(dir: string, name: string): string {
  const demo = join(project, 'node_modules', 'ftrag', 'eval-sets', 'demo');
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      name: 'packed-tiny',
      endpoint: 'emulator',
      region: 'us-east-1',
      seed: 7,
      evalSet: join(demo, 'test.jsonl'),
      systems: [
        { id: 'base', kind: 'base', modelId: 'amazon.nova-micro-v1:0' },
        { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { documents: join(demo, 'kb'), mode: 'retrieve-then-converse' } },
      ],
      inference: { maxTokens: 64, temperature: 0 },
      metrics: ['exact', 'f1'],
      primaryMetric: 'f1',
      emulator: { dataDir: join(dir, 'emulator-data'), latencyProfile: 'none' },
      runner: { concurrency: 4, cache: false },
    }),
  );
  return file;
}

beforeAll(async () => {
  expect(existsSync(join(REPO, 'dist', 'index.js')), 'dist/ is missing: run `npm run build` (npm test does)').toBe(true);
  const work = mkdtempSync(join(tmpdir(), 'ftrag-pack-'));
  // --ignore-scripts: dist/ is already built, and rebuilding it here would rewrite files other tests are running.
  const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, env: quietEnv, maxBuffer: 64 << 20 });
  const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0].filename);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-ftrag', version: '1.0.0', private: true, type: 'module' }));
  // --prefer-offline: packages come from the npm cache that `npm ci` filled; only package metadata may need the registry.
  await run(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', tarball], { cwd: project, env: quietEnv, maxBuffer: 64 << 20 });
});

describe('the packed package', () => {
  it('ships what it declares and none of the sources or tests', () => {
    const pkg = join(project, 'node_modules', 'ftrag');
    for (const f of ['bin/ftrag.js', 'dist/index.js', 'dist/index.d.ts', 'eval-sets/demo/experiment.yaml', 'schema/run.v1.schema.json', 'package.json']) expect(existsSync(join(pkg, f)), f).toBe(true);
    expect(readdirSync(pkg).sort()).not.toContain('test');
    expect(readdirSync(pkg).sort()).not.toContain('src');
  });

  it('runs a tiny experiment through the API, reporting progress as typed events and printing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-pack-api-'));
    const config = tinyConfig(dir, 'tiny.json');
    const script = join(project, 'api.mjs');
    writeFileSync(
      script,
      `import { runExperiment, readRunResult } from 'ftrag';
const events = [];
const outcome = await runExperiment({ config: ${JSON.stringify(config)}, cwd: ${JSON.stringify(dir)}, out: ${JSON.stringify(join(dir, 'out'))}, limit: 6, onEvent: (e) => events.push(e) });
const run = await readRunResult(outcome.runJsonPath);
process.stdout.write(JSON.stringify({ outcome, events, systems: run.systems.map((s) => ({ id: s.id, items: s.items })) }));
`,
    );
    const { stdout, stderr } = await run(process.execPath, [script], { cwd: project, env: quietEnv, maxBuffer: 64 << 20 });
    expect(stderr).toBe('');
    const { outcome, events, systems } = JSON.parse(stdout) as { outcome: { exitCode: number; runJsonPath: string }; events: { type: string; stage?: string; done?: number; total?: number }[]; systems: { id: string; items: number }[] };
    expect(outcome.exitCode).toBe(0);
    expect(existsSync(outcome.runJsonPath)).toBe(true);
    expect(systems).toEqual([
      { id: 'base', items: 6 },
      { id: 'rag', items: 6 },
    ]);
    const stages = events.filter((e) => e.type === 'stage').map((e) => e.stage);
    expect(stages).toEqual(['config', 'endpoint', 'provision', 'execute', 'assemble', 'reports']);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ done: 12, total: 12 });
    expect(events.at(-1)).toMatchObject({ type: 'done', exitCode: 0 });
  });

  it('runs the same experiment through npx ftrag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-pack-cli-'));
    const config = tinyConfig(dir, 'tiny.json');
    const { stdout } = await run(NPX, ['--no', 'ftrag', 'run', '--config', config, '--out', join(dir, 'out'), '--limit', '6', '--progress', 'none'], {
      cwd: project,
      env: { ...quietEnv, CI: 'true' },
      maxBuffer: 64 << 20,
    });
    expect(stdout).toMatch(/report: .*report\.html/);
    const runJson = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as { systems: { id: string; items: number }[] };
    expect(runJson.systems.map((s) => [s.id, s.items])).toEqual([
      ['base', 6],
      ['rag', 6],
    ]);
  });
});
