/**
 * Files from the project's shared folder (`shared/` beside the checkout, e.g. `../shared/data/...`), found by walking up
 * from this file, so a test reads them wherever the checkout lives and skips cleanly where they are absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The absolute path of `shared/<relativePath>` in the nearest ancestor of the checkout that has it, or undefined. */
export function sharedFile(relativePath: string): string | undefined {
  for (let dir = join(HERE, '..'); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', relativePath);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The SQuAD v2.0 dev file (CS224n split), when the shared folder has it. */
export const SQUAD_DEV = sharedFile('data/squad-dev-v2.0-cs224n.json');
