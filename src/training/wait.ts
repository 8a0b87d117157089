/**
 * Waits for a customization job with a progress display: status, the phase under way, elapsed time, and the training
 * and validation loss as the service reports them. On a terminal one line is rewritten in place; elsewhere (CI, a
 * pipe) a line is printed only when something other than the clock changed, so logs stay short.
 */
import type { GetModelCustomizationJobCommandOutput } from '@aws-sdk/client-bedrock';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { ServiceError } from '../util/errors.js';
import { bedrockSdk } from '../targets/sdk.js';

export interface WaitOptions {
  pollMs: number;
  /** Writes progress text; lines end with `\n`, in-place updates start with `\r`. */
  write: (text: string) => void;
  tty: boolean;
  timeoutMs?: number;
  /** Called with every new snapshot line (for tests and callers that collect the curve). */
  onChange?: (line: string) => void;
}

const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

export function describeJob(job: GetModelCustomizationJobCommandOutput): string {
  const d = job.statusDetails;
  const phase =
    d?.trainingDetails?.status === 'InProgress'
      ? 'training'
      : d?.dataProcessingDetails?.status === 'InProgress'
        ? 'processing data'
        : d?.validationDetails?.status === 'InProgress'
          ? 'validating data'
          : undefined;
  const parts = [`status ${job.status ?? '?'}${phase && job.status === 'InProgress' ? ` (${phase})` : ''}`];
  const training = job.trainingMetrics?.trainingLoss;
  if (training !== undefined) parts.push(`training loss ${training.toFixed(4)}`);
  const validation = job.validationMetrics?.map((v) => v.validationLoss).filter((v): v is number => v !== undefined);
  if (validation?.length) parts.push(`validation loss ${validation.map((v) => v.toFixed(4)).join('/')}`);
  return parts.join('  ');
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export async function waitForCustomizationJob(bedrock: BedrockClient, jobArn: string, opts: WaitOptions): Promise<GetModelCustomizationJobCommandOutput> {
  const deadline = Date.now() + (opts.timeoutMs ?? 24 * 3600_000);
  let last = '';
  for (;;) {
    const job = await bedrock.send(new bedrockSdk.GetModelCustomizationJobCommand({ jobIdentifier: jobArn }));
    // Elapsed from the job's own creation time, so --attach shows how long the job has really run.
    const started = job.creationTime ? new Date(job.creationTime).getTime() : Date.now();
    const end = job.endTime ? new Date(job.endTime).getTime() : Date.now();
    const line = describeJob(job);
    const done = TERMINAL.has(job.status ?? '');
    if (opts.tty) {
      opts.write(`\r\x1b[2K${elapsed(end - started).padStart(7)}  ${line}${done ? '\n' : ''}`);
    } else if (line !== last) {
      opts.write(`${elapsed(end - started).padStart(7)}  ${line}\n`);
    }
    if (line !== last) opts.onChange?.(line);
    last = line;
    if (done) return job;
    if (Date.now() > deadline) throw new ServiceError(`timed out waiting for customization job ${jobArn} (it is still ${job.status}); --attach to it later`, 'Timeout');
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
