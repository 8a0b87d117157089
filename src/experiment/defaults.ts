import { join, resolve } from 'node:path';
import type { ExperimentConfig } from '../config/schema.js';
import { createAwsClients, resolveConfigFileEndpoints } from '../targets/clients.js';
import { ProvisionStateStore, type ProvisionState } from './state.js';

/** How `ftrag run` starts its embedded emulator: state under .ftrag/ so trained models and KBs are reused across runs. */
export function emulatorDefaultsFor(config: ExperimentConfig, cwd: string) {
  return {
    dataDir: resolve(cwd, config.emulator?.dataDir ?? '.ftrag/emulator'),
    // Requests are signed for the config's Region and the emulator refuses any other, as Bedrock does.
    region: config.region,
    seed: config.seed,
    latencyProfile: config.emulator?.latencyProfile ?? 'realistic',
    faults: config.emulator?.faults,
    ...(config.quotas?.concurrentCustomizationJobs !== undefined ? { customizationJobQuota: config.quotas.concurrentCustomizationJobs } : {}),
  };
}

/**
 * The endpoint key the provisioning state is kept under, as `run`, `train` and `resources` compute it, found without
 * any call: `plan` and the consent check read what is already created (a resume that creates nothing new is not billable).
 */
export async function provisionStateKey(config: ExperimentConfig, cwd: string): Promise<string> {
  if (config.endpoint === 'emulator' && !config.endpointUrl) return `emulator:${emulatorDefaultsFor(config, cwd).dataDir}|${config.region}`;
  const clients = createAwsClients({ region: config.region, endpointUrl: config.endpoint === 'aws' ? undefined : config.endpointUrl });
  try {
    return (await resolveConfigFileEndpoints(clients)).endpointKey;
  } finally {
    clients.destroy();
  }
}

export async function loadProvisionState(config: ExperimentConfig, cwd: string): Promise<ProvisionState> {
  return new ProvisionStateStore(join(cwd, '.ftrag', 'state.json'), await provisionStateKey(config, cwd)).load();
}
