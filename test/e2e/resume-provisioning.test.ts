import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

/** Resources the emulator holds, counted from its own state files. */
function count(dataDir: string, collection: string): number {
  const dir = join(dataDir, 'state', collection);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}

// A kill at each of these points of provisioning (each printed right after the step is recorded), then --resume.
const STAGES = [
  /fine-tuning: job \S+ started/,
  /fine-tuning: completed/,
  /fine-tuning: deployment \S+ creating/,
  /knowledge base: \S+ created/,
  /knowledge base: ingestion job \S+ started/,
];

describe('a run killed during provisioning and resumed creates each resource exactly once', () => {
  for (const stage of STAGES) {
    it(`killed after "${stage.source}"`, async () => {
      const dir = tempDir('ftrag-kill-');
      const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), quiet: true, latencyProfile: 'none', provisioningDelayMs: 300 });
      try {
        const config = writeDemoConfig(dir, (c) => {
          c.endpointUrl = emu.url;
          delete c.emulator;
          c.systems = c.systems.filter((s: { id: string }) => s.id === 'fine-tuned' || s.id === 'rag');
          // The KB is provisioned first so every stage is reached in one order: KB, then training.
          c.systems.reverse();
        });
        const out = join(dir, 'out');
        let seen = false;
        const first = await runCli(['run', '--config', config, '--out', out, '--limit', '3'], {
          cwd: dir,
          signalAfter: (kill) => {
            const timer = setInterval(() => {
              if (seen) {
                clearInterval(timer);
                kill();
              }
            }, 5);
          },
          onStderr: (chunk) => {
            if (stage.test(chunk)) seen = true;
          },
        });
        expect(seen, first.stderr).toBe(true);
        expect(first.code).toBe(137);
        const resumed = await runCli(['run', '--resume', out], { cwd: dir });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('completed');
        expect(count(emu.dataDir, 'customizationJobs')).toBe(1);
        expect(count(emu.dataDir, 'customModels')).toBe(1);
        expect(count(emu.dataDir, 'deployments')).toBe(1);
        expect(count(emu.dataDir, 'knowledgeBases')).toBe(1);
        expect(count(emu.dataDir, 'dataSources')).toBe(1);
      } finally {
        await emu.close();
      }
    }, 300_000);
  }
});
