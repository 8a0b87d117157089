/** Library side of `ftrag resources` and `ftrag cleanup`: open the config's endpoint, read the state ftrag saved. */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findConfigFile, loadConfig, withConfigLocation } from '../config/load.js';
import { loadCatalog } from '../cost/index.js';
import { openTrainEndpoint } from '../training/endpoint.js';
import { DEMO_CONFIG } from './demo.js';
import { cleanupCreatedResources, listCreatedResources, type CreatedResource } from './resources.js';
import { ProvisionStateStore } from './state.js';
import { sageMakerCleanupApplies } from './sagemaker-resources.js';

export interface ResourcesOptions {
  config?: string;
  cwd: string;
  log: (line: string) => void;
}

async function withState<T>(opts: ResourcesOptions, fn: (ctx: { clients: Awaited<ReturnType<typeof openTrainEndpoint>>['clients']; store: ProvisionStateStore; catalogFile?: string; overrides: unknown }) => Promise<T>): Promise<T> {
  const file = opts.config ? resolve(opts.cwd, opts.config) : ((await findConfigFile(opts.cwd)) ?? fileURLToPath(DEMO_CONFIG));
  const loaded = await loadConfig(file, {});
  try {
    const endpoint = await openTrainEndpoint(loaded.config, opts.cwd, opts.log);
    try {
      const store = new ProvisionStateStore(join(opts.cwd, '.ftrag', 'state.json'), endpoint.clients.endpointKey);
      return await fn({ clients: endpoint.clients, store, catalogFile: loaded.config.pricing.catalog, overrides: loaded.config.pricing.overrides });
    } finally {
      await endpoint.close();
    }
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}

export async function listResources(opts: ResourcesOptions): Promise<CreatedResource[]> {
  return withState(opts, async ({ clients, store, catalogFile, overrides }) => {
    const catalog = await loadCatalog(catalogFile, overrides as Parameters<typeof loadCatalog>[1]);
    return listCreatedResources(clients, await store.load(), catalog);
  });
}

/** What cleanup would delete (for the question asked first) and the deleting itself. */
export async function cleanupResources(
  opts: ResourcesOptions & { confirm: (what: CreatedResource[]) => Promise<boolean>; models?: boolean },
): Promise<{ deleted: string[]; confirmed: boolean }> {
  return withState(opts, async ({ clients, store, catalogFile, overrides }) => {
    const state = await store.load();
    const catalog = await loadCatalog(catalogFile, overrides as Parameters<typeof loadCatalog>[1]);
    const deletable = (await listCreatedResources(clients, state, catalog)).filter((r) => (opts.models || r.kind !== 'custom model') && sageMakerCleanupApplies(r));
    if (deletable.length === 0) return { deleted: [], confirmed: true };
    if (!(await opts.confirm(deletable))) return { deleted: [], confirmed: false };
    return { deleted: await cleanupCreatedResources(clients, state, () => store.save(state), opts.log, { models: opts.models }), confirmed: true };
  });
}

/** What a resource bills while it exists: `$20.50/h` (provisioned throughput), `$1.95/month` (custom model storage). */
function runningCost(r: CreatedResource): string {
  if (r.hourlyUsd !== undefined) return `$${r.hourlyUsd.toFixed(2)}/h`;
  if (r.monthlyUsd !== undefined) return `$${r.monthlyUsd.toFixed(2)}/month`;
  return r.kind === 'provisioned throughput' || r.kind === 'custom model' ? 'not priced' : '-';
}

export function renderResources(rows: CreatedResource[]): string {
  if (rows.length === 0) return 'No resources created by ftrag are recorded for this endpoint.\n';
  const lines = rows.map((r) => {
    const tags = r.tags ? Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' ') : '-';
    return `${r.kind.padEnd(24)} ${r.status.padEnd(12)} ${runningCost(r).padEnd(12)} ${(r.system ?? '-').padEnd(16)} ${r.runId ?? '-'}  ${r.id}\n${' '.repeat(25)}tags: ${tags}`;
  });
  const hourly = rows.reduce((s, r) => s + (r.hourlyUsd ?? 0), 0);
  const monthly = rows.reduce((s, r) => s + (r.monthlyUsd ?? 0), 0);
  const total = hourly || monthly ? `\nWhile these exist they bill $${hourly.toFixed(2)} per hour (provisioned throughput, SageMaker endpoints) and $${monthly.toFixed(2)} per month (custom model storage), before tokens.\n` : '';
  return `${'kind'.padEnd(24)} ${'status'.padEnd(12)} ${'cost'.padEnd(12)} ${'system'.padEnd(16)} run id  id/ARN\n${lines.join('\n')}\n${total}`;
}
