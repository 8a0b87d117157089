import { resolve } from 'node:path';
import type { ExperimentConfig } from '../config/schema.js';

/** How `ftrag run` starts its embedded emulator: state under .ftrag/ so trained models and KBs are reused across runs. */
export function emulatorDefaultsFor(config: ExperimentConfig, cwd: string) {
  return {
    dataDir: resolve(cwd, config.emulator?.dataDir ?? '.ftrag/emulator'),
    // Requests are signed for the config's Region and the emulator refuses any other, as Bedrock does.
    region: config.region,
    seed: config.seed,
    latencyProfile: config.emulator?.latencyProfile ?? 'realistic',
    faults: config.emulator?.faults,
  };
}
