/**
 * `ftrag emulator`: run the local Bedrock-compatible emulator on 127.0.0.1 until SIGINT/SIGTERM.
 * Prints the endpoint and the `export` lines that point the AWS SDK (and `ftrag run`) at it.
 */
import type { Argv } from 'yargs';
import type { CommandModule } from '../command.js';
import { InputError } from '../../util/errors.js';
import { startEmulator } from '../../emulator/index.js';
import { parseCredentials } from '../../emulator/auth.js';
import type { EmulatorOptions } from '../../emulator/index.js';

export const DEFAULT_PORT = 4242;
export const DEFAULT_DATA_DIR = '.ftrag/emulator';

export function optionsFromArgs(args: Record<string, unknown>): EmulatorOptions {
  const port = Number(args.port ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError('must be an integer between 0 and 65535', { field: '--port' });
  const seed = Number(args.seed ?? 0);
  if (!Number.isInteger(seed)) throw new InputError('must be an integer', { field: '--seed' });
  let credentials: EmulatorOptions['credentials'];
  if (args.credentials !== undefined) {
    try {
      credentials = parseCredentials(String(args.credentials));
    } catch (err) {
      throw new InputError((err as Error).message, { field: '--credentials' });
    }
  }
  const region = String(args.region ?? 'us-east-1');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new InputError('must be an AWS Region name such as us-east-1', { field: '--region' });
  return {
    port,
    region,
    ...(credentials ? { credentials } : {}),
    dataDir: String(args['data-dir'] ?? DEFAULT_DATA_DIR),
    seed,
    latencyProfile: String(args['latency-profile'] ?? 'none'),
    faults: args.faults === undefined ? undefined : String(args.faults),
    quiet: Boolean(args.quiet),
    ...(args['timing-log'] !== undefined ? { timingLog: String(args['timing-log']) } : {}),
    ...(args['customization-job-quota'] !== undefined ? { customizationJobQuota: jobQuotaArg(args['customization-job-quota']) } : {}),
  };
}

function jobQuotaArg(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`must be a whole number of at least 1, got ${String(v)}`, { field: '--customization-job-quota' });
  return n;
}

/** Starts the emulator, reports how to use it, and stops it when `stop` aborts. Resolves after a clean close. */
export async function serveUntil(opts: EmulatorOptions, stop: AbortSignal, write: (s: string) => void): Promise<void> {
  const emu = await startEmulator(opts);
  write(`ftrag emulator listening on ${emu.url} (data dir ${emu.dataDir}, seed ${opts.seed ?? 0}, latency ${opts.latencyProfile ?? 'none'}, signatures ${opts.credentials ? 'verified' : 'checked for form only'}${opts.faults ? `, faults ${typeof opts.faults === 'string' ? opts.faults : JSON.stringify(opts.faults)}` : ''})\n`);
  write('Point the AWS SDK or ftrag at it with:\n');
  for (const [k, v] of Object.entries(emu.env)) {
    // With --credentials the caller signs with their own key pair; it is never echoed.
    if (opts.credentials && (k === 'AWS_ACCESS_KEY_ID' || k === 'AWS_SECRET_ACCESS_KEY')) continue;
    write(`export ${k}=${v}\n`);
  }
  if (opts.credentials) write('# sign with the key pair given to --credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)\n');
  write('Answers come from the emulator\'s reference model, not from Amazon Bedrock. Stop with Ctrl-C.\n');
  if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  await emu.close();
  write('ftrag emulator stopped\n');
}

const command: CommandModule = {
  command: 'emulator',
  describe: 'Start the local Bedrock-compatible emulator on 127.0.0.1',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'TCP port on 127.0.0.1 (0 = any free port)' })
      .option('data-dir', { type: 'string', default: DEFAULT_DATA_DIR, describe: 'State, trained models, KB indexes and S3 objects' })
      .option('seed', { type: 'number', default: 0, describe: 'Seed for generation, faults and latency jitter' })
      .option('latency-profile', { type: 'string', default: 'none', describe: 'none | realistic | path to a JSON profile' })
      .option('faults', { type: 'string', describe: 'e.g. throttle=0.1,server-error=0.02,slow=0.05,reset=0.01 (data plane only)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'Do not log job and ingestion progress' })
      .option('region', { type: 'string', default: 'us-east-1', describe: 'Region requests must be signed for (and used in ARNs)' })
      .option('credentials', { type: 'string', describe: 'KEY:SECRET: verify SigV4 signatures against this key pair (default: any well-formed signature)' })
      .option('customization-job-quota', { type: 'number', describe: "Model customization jobs the emulated account may have in progress at once (default 4); one more is refused with ServiceQuotaExceededException" })
      .option('timing-log', { type: 'string', describe: 'On stop, write one JSON line per data-plane call: arrival, wall and modelled time (docs/emulator.md)' }),
  run: async (args) => {
    const opts = optionsFromArgs(args);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await serveUntil(opts, controller.signal, (s) => process.stdout.write(s));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return 0;
  },
};
export default command;
