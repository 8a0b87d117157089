/**
 * Run progress on stderr: a bar on an interactive terminal, plain lines (every ~5% or 10 s) in CI or when
 * piped, nothing when asked.
 */
import cliProgress from 'cli-progress';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface ProgressCounts {
  done: number;
  failed: number;
  retries: number;
  throttles: number;
}

export interface ProgressReporter {
  start(total: number, alreadyDone: number): void;
  update(counts: ProgressCounts): void;
  stop(counts: ProgressCounts): void;
}

const silent: ProgressReporter = { start() {}, update() {}, stop() {} };

export function resolveProgressMode(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
  return stream.isTTY && !ci ? 'bar' : 'lines';
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const resolved = resolveProgressMode(mode, stream);
  if (resolved === 'none') return silent;
  if (resolved === 'bar') return barReporter(stream);
  return lineReporter((line) => stream.write(`${line}\n`));
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'ftrag {bar} {value}/{total} calls | {failed} failed | {retries} retries ({throttles} throttled) | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total, alreadyDone) => bar.start(total, alreadyDone, { failed: 0, retries: 0, throttles: 0 }),
    update: (c) => bar.update(c.done, { failed: c.failed, retries: c.retries, throttles: c.throttles }),
    stop: (c) => {
      bar.update(c.done, { failed: c.failed, retries: c.retries, throttles: c.throttles });
      bar.stop();
    },
  };
}

export function lineReporter(write: (line: string) => void, now: () => number = () => performance.now()): ProgressReporter {
  let total = 0;
  let started = 0;
  let lastAt = 0;
  let lastDone = 0;
  const line = (c: ProgressCounts) => {
    const pct = total > 0 ? Math.floor((100 * c.done) / total) : 100;
    const secs = Math.round((now() - started) / 1000);
    return `ftrag: ${c.done}/${total} calls (${pct}%), ${c.failed} failed, ${c.retries} retries (${c.throttles} throttled), ${secs}s elapsed`;
  };
  return {
    start(t, alreadyDone) {
      total = t;
      started = lastAt = now();
      lastDone = alreadyDone;
      write(`ftrag: ${t} calls to make${alreadyDone > 0 ? `, ${alreadyDone} already done (resumed)` : ''}`);
    },
    update(c) {
      const step = Math.max(1, Math.ceil(total / 20));
      if (c.done - lastDone >= step || now() - lastAt >= 10_000) {
        lastDone = c.done;
        lastAt = now();
        write(line(c));
      }
    },
    stop(c) {
      write(line(c));
    },
  };
}
