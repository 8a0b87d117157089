/** `ftrag cache stats|prune`: the response and metric caches under .ftrag/cache (src/runner/cache-admin.ts). */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { usageError, type CommandModule } from '../command.js';

const UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNITS_BYTES: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

function parseAge(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([mhd])$/i.exec(text.trim());
  if (!m) throw usageError(`--older-than: expected a number and a unit (m, h or d), e.g. 30d; got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNITS_MS[m[2].toLowerCase()];
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) throw usageError(`--max-size: expected a size such as 500MB or 2GB; got ${JSON.stringify(text)}`);
  return Math.floor(Number(m[1]) * UNITS_BYTES[(m[2] ?? 'b').toLowerCase()]);
}

const command: CommandModule = {
  command: 'cache <action>',
  describe: 'Show what the response and metric caches hold, or prune them',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['stats', 'prune'] as const, describe: 'stats | prune' })
      .option('dir', { type: 'string', describe: 'Cache directory (default ./.ftrag/cache, where ftrag run keeps it)' })
      .option('older-than', { type: 'string', describe: 'prune: drop entries written longer ago than this (e.g. 30d, 12h)' })
      .option('max-size', { type: 'string', describe: 'prune: keep each store at most this size, newest entries first (e.g. 500MB)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON' })
      .example('ftrag cache stats', 'entries and size of each store')
      .example('ftrag cache prune --older-than 30d --max-size 1GB', 'compact, drop old entries, cap the size'),
  run: async (args) => {
    const { cacheStats, pruneCache, renderCacheReport } = await import('../../runner/cache-admin.js');
    const dir = typeof args.dir === 'string' ? args.dir : join(process.cwd(), '.ftrag', 'cache');
    if (args.action === 'stats') {
      if (args.olderThan !== undefined || args.maxSize !== undefined) throw usageError('--older-than and --max-size apply to `ftrag cache prune`');
      const report = cacheStats(dir);
      process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderCacheReport(report));
      return 0;
    }
    const olderThan = typeof args.olderThan === 'string' ? Date.now() - parseAge(args.olderThan) : undefined;
    const maxBytes = typeof args.maxSize === 'string' ? parseSize(args.maxSize) : undefined;
    const { before, after } = pruneCache(dir, { olderThan, maxBytes });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ before, after }, null, 2)}\n`);
      return 0;
    }
    const total = (r: typeof before) => r.stores.reduce((s, x) => s + x.bytes, 0) + r.legacy.bytes;
    process.stdout.write(renderCacheReport(after));
    process.stdout.write(`pruned ${((total(before) - total(after)) / 1e6).toFixed(1)} MB (${before.legacy.files} files of the previous layout removed)\n`);
    return 0;
  },
};
export default command;
