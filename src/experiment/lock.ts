/**
 * One writer per run folder: a run or resume holds `<dir>/.ftrag.lock` (its pid) while it writes; a second one exits
 * 2 naming the holder. A lock whose pid is dead (a killed run) is taken over, so --resume after a crash just works.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../util/errors.js';

export const LOCK_FILE = '.ftrag.lock';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunFolderLock {
  release(): Promise<void>;
}

export async function lockRunFolder(dir: string): Promise<RunFolderLock> {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() })}\n`);
      await handle.close();
      return {
        release: async () => {
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readFile(file, 'utf8').then(
      (t) => (JSON.parse(t) as { pid?: number; startedAt?: string }),
      () => ({}) as { pid?: number; startedAt?: string },
    );
    if (holder.pid !== undefined && alive(holder.pid)) {
      throw new InputError(`another ftrag (pid ${holder.pid}, since ${holder.startedAt ?? '?'}) is writing to this run folder; wait for it or stop it`, { file: dir });
    }
    // Stale (the holder died) or half-written: take it over.
    await unlink(file).catch(() => undefined);
  }
  throw new InputError('could not take the run-folder lock', { file });
}
