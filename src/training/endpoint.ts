/**
 * Where `ftrag train` sends its calls, opened exactly as `ftrag run` opens it (same endpoint key, same emulator data
 * dir), so a model trained here is found in the provisioning state by the next `ftrag run`.
 */
import type { ExperimentConfig } from '../config/schema.js';
import { checkAwsCredentials, createAwsClients, nonAwsEndpoints, resolveConfigFileEndpoints, type AwsClients } from '../targets/clients.js';
import { emulatorDefaultsFor } from '../experiment/defaults.js';

export interface TrainEndpoint {
  clients: AwsClients;
  emulated: boolean;
  /** The emulator lives only as long as this process: jobs cannot outlive it. */
  embedded: boolean;
  close(): Promise<void>;
}

export async function openTrainEndpoint(config: ExperimentConfig, cwd: string, log: (line: string) => void): Promise<TrainEndpoint> {
  if (config.endpoint === 'aws') {
    // The control plane is not the runner: let the SDK retry its own throttles here.
    const clients = await resolveConfigFileEndpoints(createAwsClients({ region: config.region, maxAttempts: 5 }));
    const elsewhere = nonAwsEndpoints(clients);
    if (elsewhere.length === 0) await checkAwsCredentials(config.region);
    for (const n of elsewhere) log(`warning: endpoint aws, but ${n.client} calls go to ${n.url} (from ${n.source}), not to AWS`);
    return { clients, emulated: elsewhere.some((n) => n.client === 'bedrock'), embedded: false, close: async () => clients.destroy() };
  }
  if (config.endpointUrl) {
    const clients = createAwsClients({ region: config.region, endpointUrl: config.endpointUrl, maxAttempts: 3 });
    return { clients, emulated: true, embedded: false, close: async () => clients.destroy() };
  }
  const { startEmulatorInWorker } = await import('../emulator/index.js'); // only an embedded emulator needs its code
  const emulator = await startEmulatorInWorker({ port: 0, quiet: true, ...emulatorDefaultsFor(config, cwd) });
  log(`emulator: ${emulator.url} (data in ${emulator.dataDir})`);
  const clients = createAwsClients({ region: config.region, endpointUrl: emulator.url, maxAttempts: 3 });
  // Same identity as `ftrag run` gives the embedded emulator: its data dir, not its (new every time) port.
  clients.endpointKey = `emulator:${emulator.dataDir}|${config.region}`;
  return {
    clients,
    emulated: true,
    embedded: true,
    close: async () => {
      clients.destroy();
      await emulator.close();
    },
  };
}
