/**
 * The account's quota of model customization jobs in progress at once: the limit a sweep plans within, the warnings
 * `ftrag plan` and `ftrag run` give before anything billable when a sweep cannot run as configured, and backing off
 * a ServiceQuotaExceededException (jobs started elsewhere in the account hold the slots) without starting twice.
 */
import type { ExperimentConfig } from '../config/schema.js';
import { EMULATOR_CUSTOMIZATION_JOB_QUOTA } from '../models/index.js';
import { sweepPoints } from './sweep.js';

export interface JobQuota {
  /** Jobs in progress at once; undefined when not known (AWS without quotas.concurrentCustomizationJobs). */
  limit?: number;
  source: string;
}

export function customizationJobQuota(config: ExperimentConfig): JobQuota {
  const configured = config.quotas?.concurrentCustomizationJobs;
  if (configured !== undefined) return { limit: configured, source: 'quotas.concurrentCustomizationJobs' };
  if (config.endpoint === 'emulator' && !config.endpointUrl) return { limit: EMULATOR_CUSTOMIZATION_JOB_QUOTA, source: "the embedded emulator's default account quota" };
  return { source: 'not configured' };
}

/** Jobs a sweep runs at once: its maxConcurrentJobs, within the known quota. */
export function sweepConcurrency(maxConcurrentJobs: number, quota: JobQuota): number {
  return quota.limit === undefined ? maxConcurrentJobs : Math.min(maxConcurrentJobs, quota.limit);
}

/** One line per swept system whose sweep cannot run as configured within the account's quota (or whose quota is unknown). */
export function sweepQuotaWarnings(config: ExperimentConfig): string[] {
  const quota = customizationJobQuota(config);
  const out: string[] = [];
  for (const spec of config.systems) {
    const sweep = spec.training?.sweep;
    if (!sweep || spec.modelId) continue;
    const points = sweepPoints(sweep, spec.training!, `systems.${spec.id}.training`, config.seed).length;
    const wanted = Math.min(sweep.maxConcurrentJobs, points);
    if (quota.limit === undefined) {
      out.push(
        `warning: quota: ${spec.id}'s sweep runs ${wanted} customization job(s) at once, but the account's quota of jobs in progress is not known (set quotas.concurrentCustomizationJobs from Service Quotas); a refusal (ServiceQuotaExceededException) is waited out and retried`,
      );
    } else if (wanted > quota.limit) {
      const rounds = Math.ceil(points / quota.limit);
      out.push(
        `warning: quota: ${spec.id}'s sweep asks for ${wanted} customization jobs at once (maxConcurrentJobs ${sweep.maxConcurrentJobs}) but the account's quota is ${quota.limit} (${quota.source}): ftrag runs ${quota.limit} at a time, ${points} points in about ${rounds} rounds, and jobs started elsewhere in the account hold slots too`,
      );
    }
  }
  return out;
}

export function isQuotaRefusal(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ServiceQuotaExceededException';
}

/**
 * Calls `start` until the account's quota lets it through: a ServiceQuotaExceededException created nothing (and is
 * not retried by the SDK), so the same create is sent again after a doubling wait (pollMs, 2 pollMs, ..., at most
 * 32 pollMs), up to `maxWaitMs` in all. `before` runs before each retry: it attaches to a job a lost answer hid.
 */
export async function withQuotaBackoff<T>(
  start: () => Promise<T>,
  opts: { pollMs: number; log: (line: string) => void; what: string; maxWaitMs?: number; before?: () => Promise<T | undefined> },
): Promise<T> {
  const deadline = Date.now() + (opts.maxWaitMs ?? 6 * 3600_000);
  let delay = opts.pollMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (!isQuotaRefusal(err) || Date.now() + delay > deadline) throw err;
      opts.log(`quota: ${opts.what} refused (${(err as Error).message}); waiting ${delay} ms for a slot (attempt ${attempt})`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 32 * opts.pollMs);
      const found = await opts.before?.();
      if (found !== undefined) return found;
    }
  }
}
