/**
 * `ftrag shadow`, end to end: invocation logs (files or s3://) -> records that pass the filters -> reproducible sample
 * -> replay through the candidate system of the config (provisioned as `ftrag run` provisions it, reusing trained
 * models) -> reference-free comparison -> cost at the logged volume -> verdict -> run.json (`kind: shadow`) and reports.
 * Nothing leaves the machine but the replay (and judge/embedding) calls to the configured endpoint.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, loadConfig, resolveConfigPath } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { catalogSummary, loadCatalog } from '../cost/index.js';
import { DEMO_CONFIG } from '../experiment/demo.js';
import { openEndpoint } from '../experiment/experiment.js';
import { lockRunFolder } from '../experiment/lock.js';
import { writeAllReports } from '../experiment/outputs.js';
import { provisionSystems } from '../experiment/provision.js';
import { makeOutDir, refuseExistingOutput } from '../experiment/run-folder.js';
import { ProvisionStateStore } from '../experiment/state.js';
import { targetSpecOf } from '../experiment/execute.js';
import type { ProgressReporter } from '../runner/progress.js';
import { itemStreamOf } from '../schema/items.js';
import { RunSummary } from '../schema/run-result.js';
import { createTarget } from '../targets/index.js';
import { InputError } from '../util/errors.js';
import { writeFileAtomic } from '../report/write.js';
import { buildShadowRun } from './assemble.js';
import { replayAndCompare } from './replay.js';
import { parseS3Prefix, getObject, listLogFiles } from './sources.js';
import { selectRecords } from './select.js';
import { costAtTraffic, trafficOf } from './traffic.js';

export interface ShadowOptions {
  /** Log files, folders or s3://bucket/prefix. */
  logs: string[];
  /** The system id (in the config) that answers the replayed traffic. */
  candidate: string;
  config?: string;
  out?: string;
  /** Finish an interrupted shadow run in this folder (its options are reused). */
  resume?: string;
  sample?: number;
  since?: string;
  until?: string;
  /** Production model id to keep; required when the logs hold calls to more than one model. */
  modelId?: string;
  operations?: string[];
  seed?: number;
  redact?: boolean;
  /** Pairwise judge model id; overrides the config's judge.modelId. */
  judgeModelId?: string;
  concurrency?: number;
  cache?: boolean;
  cwd?: string;
  log?: (line: string) => void;
  progressReporter?: ProgressReporter;
}

export interface ShadowOutcome {
  outDir: string;
  runJsonPath: string;
  exitCode: number;
  headline: string;
  run: RunSummary;
}

const SNAPSHOT = 'shadow-options.json';
type Saved = Omit<ShadowOptions, 'cwd' | 'log' | 'resume' | 'out' | 'progressReporter'> & { runId: string; createdAt: string; configFile: string };

export async function runShadow(options: ShadowOptions): Promise<ShadowOutcome> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? (() => undefined);
  const resumeDir = options.resume ? resolve(cwd, options.resume) : undefined;
  const saved = resumeDir ? await readSaved(resumeDir) : undefined;
  const opts: Saved = saved ?? {
    ...stripRuntime(options),
    runId: newRunId(),
    createdAt: new Date().toISOString(),
    configFile: options.config ? resolve(cwd, options.config) : ((await findConfigFile(cwd)) ?? fileURLToPath(DEMO_CONFIG)),
  };
  if (!opts.logs?.length) throw new InputError('name the invocation logs to read (--logs FILE|DIR|s3://bucket/prefix)', { field: 'logs' });
  const overrides: Record<string, unknown> = {};
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  if (opts.cache === false) overrides.runner = { cache: false };
  if (opts.judgeModelId) overrides.judge = { modelId: opts.judgeModelId };
  const { config, baseDir } = await loadConfig(opts.configFile, overrides);
  const spec = config.systems.find((s) => s.id === opts.candidate);
  if (!spec) throw new InputError(`no system "${opts.candidate}" in the config; systems: ${config.systems.map((s) => s.id).join(', ')}`, { file: opts.configFile, field: 'candidate' });
  if (spec.execution === 'batch') throw new InputError('a shadow candidate answers on demand; batch systems cannot be replayed', { field: `systems.${spec.id}.execution` });

  const outDir = resumeDir ?? resolve(cwd, options.out ?? join('reports', `shadow-${opts.runId}`));
  await makeOutDir(outDir);
  if (!saved) refuseExistingOutput(outDir);
  const lock = await lockRunFolder(outDir);
  try {
    if (!saved) await writeFileAtomic(join(outDir, SNAPSHOT), `${JSON.stringify(opts, null, 2)}\n`);
    return await replayWithEndpoint(config, baseDir, opts, { outDir, cwd, log, resume: !!saved, progressReporter: options.progressReporter });
  } finally {
    await lock.release();
  }
}

interface Context {
  outDir: string;
  cwd: string;
  log: (line: string) => void;
  resume: boolean;
  progressReporter?: ProgressReporter;
}

async function replayWithEndpoint(config: ExperimentConfig, baseDir: string, opts: Saved, ctx: Context): Promise<ShadowOutcome> {
  const endpoint = await openEndpoint(config, { cwd: ctx.cwd, log: ctx.log });
  try {
    const { clients } = endpoint;
    const files = await listLogFiles(opts.logs, clients.s3, ctx.cwd);
    const selection = await selectRecords(files, {
      modelId: opts.modelId,
      operations: opts.operations,
      since: opts.since,
      until: opts.until,
      sample: opts.sample,
      seed: config.seed,
      fetchBody: async (path) => {
        const { bucket, prefix } = parseS3Prefix(path);
        return JSON.parse((await getObject(clients.s3, bucket, prefix)).toString('utf8')) as unknown;
      },
    });
    ctx.log(`logs: ${selection.records} records in ${selection.files} files; ${selection.usable.length} usable, ${selection.bad.count} bad, ${Object.values(selection.skipped).reduce((a, b) => a + b, 0)} filtered out`);
    for (const b of selection.bad.examples.slice(0, 5)) ctx.log(`  bad record ${b.file}:${b.line}: ${b.reason}`);
    if (selection.selected.length === 0) {
      const why = selection.records === 0 ? 'no records found' : `none of the ${selection.records} records is usable (${describeCounts({ ...selection.bad.byReason, ...selection.skipped })})`;
      const first = selection.bad.examples[0] ?? selection.skippedExamples[0];
      throw new InputError(`nothing to compare: ${why}`, first ? { file: first.file, line: first.line, field: 'logs' } : { field: 'logs' });
    }

    const stateStore = new ProvisionStateStore(join(ctx.cwd, '.ftrag', 'state.json'), clients.endpointKey);
    const state = await stateStore.load();
    const needed = new Set([spec(config, opts.candidate).id, ...(spec(config, opts.candidate).generatorFrom ? [spec(config, opts.candidate).generatorFrom!] : [])]);
    const provisioned = await provisionSystems(
      { ...config, systems: config.systems.filter((s) => needed.has(s.id)) },
      { clients, emulated: endpoint.emulated, state, saveState: () => stateStore.save(state), runId: opts.runId, resolvePath: (p) => resolveConfigPath(p, baseDir), pollMs: endpoint.emulated ? 100 : 15_000, log: ctx.log },
    );
    await stateStore.save(state);
    const system = provisioned.find((p) => p.spec.id === opts.candidate)!;
    const target = createTarget(targetSpecOf(system, config), { runtime: clients.runtime, agentRuntime: clients.agentRuntime, region: config.region });

    const replayed = await replayAndCompare({
      records: selection.selected,
      target,
      config,
      clients,
      outDir: ctx.outDir,
      resume: ctx.resume,
      cacheDir: join(ctx.cwd, '.ftrag', 'cache'),
      ...(ctx.progressReporter ? { progressReporter: ctx.progressReporter } : {}),
      ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    });
    ctx.log(`replayed ${replayed.outcome.total} requests in ${(replayed.outcome.durationMs / 1000).toFixed(1)} s: ${replayed.outcome.failed} failed, ${replayed.outcome.cacheHits} from cache`);

    const catalog = await loadCatalog(config.pricing.catalog ? resolveConfigPath(config.pricing.catalog, baseDir) : undefined, config.pricing.overrides);
    const traffic = trafficOf(selection.usable);
    const pairs = [...replayed.pairs.values()];
    const tokenMean = (xs: (number | undefined)[]) => {
      const v = xs.filter((x): x is number => x !== undefined);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
    };
    const answered = pairs.filter((p) => p.candidate);
    const cost = await costAtTraffic({
      config,
      baseDir,
      catalog,
      candidateId: opts.candidate,
      productionModelId: selection.modelId,
      productionTokens: { inputTokensMean: tokenMean(pairs.map((p) => p.production.inputTokens)), outputTokensMean: tokenMean(pairs.map((p) => p.production.outputTokens)), provenance: `from ${pairs.length} logged requests` },
      candidateTokens: { inputTokensMean: tokenMean(answered.map((p) => p.candidate!.inputTokens)), outputTokensMean: tokenMean(answered.map((p) => p.candidate!.outputTokens)), provenance: `measured over ${answered.length} replayed requests` },
      monthlyQueries: traffic.monthlyQueries,
    });

    const { run, items } = buildShadowRun({
      runId: opts.runId,
      createdAt: opts.createdAt,
      config,
      configFile: opts.configFile,
      sources: opts.logs,
      selection,
      filters: { ...(opts.modelId ? { modelId: opts.modelId } : {}), operations: selection.operations, ...(opts.since ? { since: opts.since } : {}), ...(opts.until ? { until: opts.until } : {}) },
      sample: opts.sample !== undefined ? { size: opts.sample, seed: config.seed } : undefined,
      system,
      replayed,
      traffic,
      cost,
      catalog: catalogSummary(catalog),
      endpoint: { kind: config.endpoint, region: config.region, emulated: endpoint.emulated, ...(endpoint.url ? { url: endpoint.url } : {}) },
      redact: opts.redact === true,
    });
    const runJsonPath = await writeAllReports(RunSummary.parse(run), itemStreamOf(items), ctx.outDir, ctx.cwd);
    return { outDir: ctx.outDir, runJsonPath, exitCode: 0, headline: run.shadow!.verdict.headline, run };
  } finally {
    await endpoint.close();
  }
}

function spec(config: ExperimentConfig, id: string) {
  return config.systems.find((s) => s.id === id)!;
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

function stripRuntime(o: ShadowOptions): Omit<Saved, 'runId' | 'createdAt' | 'configFile'> {
  const { cwd: _c, log: _l, resume: _r, out: _o, progressReporter: _p, config: _f, ...rest } = o;
  return JSON.parse(JSON.stringify(rest)) as Omit<Saved, 'runId' | 'createdAt' | 'configFile'>;
}

async function readSaved(dir: string): Promise<Saved> {
  const file = join(dir, SNAPSHOT);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`not a shadow run folder (no ${SNAPSHOT})`, { file });
  }
  try {
    return JSON.parse(text) as Saved;
  } catch (err) {
    throw new InputError(`unreadable: ${(err as Error).message}`, { file });
  }
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
}
