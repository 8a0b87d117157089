/**
 * Worker-thread entry for the embedded emulator (see `startEmulatorInWorker` in ./index.ts). The emulator's request
 * handling and reference model run on this thread's event loop, so they neither slow the runner's clock readings nor
 * are slowed by the runner's scoring and bookkeeping.
 *
 * Protocol: workerData is the EmulatorOptions; the worker posts {type:'ready', ...} or {type:'error', error}; on
 * {type:'close'} it closes the emulator (letting training and ingestion settle) and posts {type:'closed'} (or
 * {type:'error'} if closing failed). The host then terminates the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmulator, type EmulatorOptions } from './index.js';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  location?: Record<string, unknown>;
}

export type WorkerMessage =
  | { type: 'ready'; url: string; port: number; dataDir: string; env: Record<string, string> }
  | { type: 'closed' }
  | { type: 'error'; error: SerializedError };

function serialize(err: unknown): SerializedError {
  if (err instanceof Error) {
    const location = (err as Error & { location?: Record<string, unknown> }).location;
    return { name: err.name, message: err.message, stack: err.stack, ...(location ? { location: { ...location } } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

const port = parentPort;
if (!port) throw new Error('src/emulator/worker.ts runs only as a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);

try {
  const emulator = await startEmulator(workerData as EmulatorOptions);
  port.on('message', (m: { type?: string }) => {
    if (m?.type !== 'close') return;
    emulator.close().then(
      () => post({ type: 'closed' }),
      (err: unknown) => post({ type: 'error', error: serialize(err) }),
    );
  });
  post({ type: 'ready', url: emulator.url, port: emulator.port, dataDir: emulator.dataDir, env: emulator.env });
} catch (err) {
  post({ type: 'error', error: serialize(err) });
}
