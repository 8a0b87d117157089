/**
 * `ftrag cost`: the cost of every approach in an experiment config, and the break-even volumes, without running
 * any model. Tokens per query come from a saved run (--run) or from labelled assumptions.
 */
import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { findConfigFile, loadConfig, resolveConfigPath, withConfigLocation, type LoadedConfig } from '../../config/load.js';
import {
  breakEvenPairs,
  catalogSummary,
  costCurve,
  costForSystem,
  loadCatalog,
  planCostInputs,
  measuredTokensOfRun,
  meanPromptTokens,
  type MeasuredTokens,
} from '../../cost/index.js';
import { renderCostText, type CostReport } from '../../cost/render-text.js';
import { retrievesKnowledgeBase } from '../../config/schema.js';
import { readRun } from '../../schema/items.js';
import { InputError } from '../../util/errors.js';
import { DEMO_CONFIG_PATH as DEMO_CONFIG } from '../../experiment/demo.js';
import type { CommandModule } from '../command.js';

const DEFAULT_VOLUMES = '1e3,1e4,1e5,1e6';

export function parseVolumes(raw: unknown): number[] {
  const parts = String(raw ?? DEFAULT_VOLUMES).split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new InputError('give at least one volume, e.g. 1e3,1e4', { field: '--volumes' });
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v) || v < 0) throw new InputError(`"${p}" is not a monthly query volume >= 0`, { field: '--volumes' });
    return v;
  });
}

async function measuredFromRun(file: string): Promise<Record<string, MeasuredTokens>> {
  const { run, items } = await readRun(file);
  const out: Record<string, MeasuredTokens> = {};
  const prompts: string[] = [];
  for await (const item of items()) prompts.push(item.prompt);
  const promptTokensMean = run.systems.some((s) => retrievesKnowledgeBase(s.kind)) ? meanPromptTokens(prompts) : undefined;
  for (const s of run.systems) {
    if (s.items - s.errors <= 0) continue;
    out[s.id] = measuredTokensOfRun(s, promptTokensMean, `in run ${run.runId}`);
  }
  return out;
}

export async function buildCostReport(args: { config?: string; volumes?: unknown; run?: string; cwd?: string }): Promise<CostReport> {
  const volumes = parseVolumes(args.volumes);
  const cwd = args.cwd ?? process.cwd();
  const configFile = args.config ?? (await findConfigFile(cwd)) ?? DEMO_CONFIG;
  if (!args.config && configFile === DEMO_CONFIG && !existsSync(DEMO_CONFIG)) {
    throw new InputError('no config given and the bundled demo config is missing; pass --config', { file: DEMO_CONFIG });
  }
  const loaded = await loadConfig(configFile);
  try {
    return await costReportFor(loaded, volumes, args.run);
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}

async function costReportFor(loaded: LoadedConfig, volumes: number[], run: string | undefined): Promise<CostReport> {
  const { config, baseDir, file } = loaded;
  const catalogFile = config.pricing.catalog ? resolveConfigPath(config.pricing.catalog, baseDir, { field: 'pricing.catalog' }) : undefined;
  const catalog = await loadCatalog(catalogFile, config.pricing.overrides);
  const measured = run ? await measuredFromRun(run) : undefined;
  const planned = await planCostInputs(config, catalog, { baseDir, measured });
  const h = config.workload.horizonMonths;
  const systems = planned.map((p) => {
    const cost = costForSystem(p.input, config.workload, catalog);
    const tokensAssumed = !measured?.[p.id];
    return { id: p.id, label: p.label, kind: p.input.kind, modelId: p.input.modelId, pricingModelId: p.input.pricingModelId, tokensAssumed, cost, curve: costCurve(cost, volumes, h) };
  });
  const w = config.workload;
  return {
    catalog: { ...catalogSummary(catalog), file: catalog.file },
    config: file,
    workload: { monthlyQueries: w.monthlyQueries, horizonMonths: h, retrainEveryMonths: w.retrainEveryMonths, knowledgeChangePerMonth: w.knowledgeChangePerMonth, reingestEveryMonths: w.reingestEveryMonths },
    volumes,
    systems,
    breakEven: breakEvenPairs(systems, h),
  };
}

const command: CommandModule = {
  command: 'cost',
  describe: 'Cost breakdown per approach and break-even volumes, without running any model',
  builder: (y: Argv) =>
    y
      .option('config', { alias: 'c', type: 'string', describe: 'Experiment config (YAML or JSON); default ./ftrag.yaml, else the bundled demo' })
      .option('volumes', { type: 'string', default: DEFAULT_VOLUMES, describe: 'Monthly query volumes to price, comma-separated' })
      .option('run', { type: 'string', describe: 'A saved run.json whose measured tokens per query replace the assumptions' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the breakdown as JSON' })
      .example('ftrag cost', 'price the bundled demo experiment')
      .example('ftrag cost -c ftrag.yaml --volumes 1e4,1e6 --json', 'JSON for two volumes'),
  run: async (args) => {
    const report = await buildCostReport({
      config: args.config as string | undefined,
      volumes: args.volumes,
      run: args.run as string | undefined,
    });
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderCostText(report));
    return 0;
  },
};
export default command;
