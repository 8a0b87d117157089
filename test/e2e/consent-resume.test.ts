import { join } from 'node:path';
import { DeleteCustomModelDeploymentCommand, ListCustomModelDeploymentsCommand, ListModelCustomizationJobsCommand } from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { createAwsClients } from '../../src/targets/clients.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

// `endpoint: aws` with every AWS_ENDPOINT_URL_* pointing at an emulator: ftrag behaves as on AWS (plan, consent,
// provisioning state), while the emulator shows what was really created.
describe('consent on AWS takes the provisioning state into account', () => {
  it('asks before creating; a resume that only reuses created resources does not ask; a recorded resource gone is not re-created unasked', async () => {
    const dir = tempDir('ftrag-consent-resume-');
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), quiet: true, latencyProfile: 'none', provisioningDelayMs: 50 });
    const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
    const created = async () => ({
      jobs: ((await clients.bedrock.send(new ListModelCustomizationJobsCommand({}))).modelCustomizationJobSummaries ?? []).length,
      deployments: ((await clients.bedrock.send(new ListCustomModelDeploymentsCommand({}))).modelDeploymentSummaries ?? []).length,
    });
    try {
      const config = writeDemoConfig(dir, (c) => {
        c.endpoint = 'aws';
        delete c.emulator;
        c.systems = c.systems.filter((s: { id: string }) => s.id === 'base' || s.id === 'fine-tuned');
        Object.assign(c.systems[1].training, { roleArn: 'arn:aws:iam::000000000000:role/ftrag-emulator', dataS3Uri: 's3://ftrag-data/' });
      });
      const run = (out: string, ...extra: string[]) => runCli(['run', '--config', config, '--limit', '2', '--out', join(dir, out), ...extra], { cwd: dir, env: emu.env });

      const refused = await run('r0');
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/pass --yes/);
      expect(await created()).toEqual({ jobs: 0, deployments: 0 });

      const first = await run('r1', '--yes');
      expect(first.code, first.stderr).toBe(0);
      expect(await created()).toEqual({ jobs: 1, deployments: 1 });

      // Everything is recorded: the plan reuses it all and is not billable, so a run without --yes goes ahead.
      const plan = await runCli(['plan', '--config', config, '--limit', '2', '--json'], { cwd: dir, env: emu.env });
      expect(plan.code, plan.stderr).toBe(0);
      const planned = JSON.parse(plan.stdout) as { billable: boolean; resources: { system: string; action: string; resource: string }[]; cost: { item: string }[] };
      expect(planned.billable).toBe(false);
      expect(planned.resources.filter((r) => r.system === 'fine-tuned').map((r) => r.action)).toEqual(['reuse', 'reuse', 'reuse', 'reuse']);
      expect(planned.cost.map((c) => c.item)).not.toContain('fine-tuned: training');
      const second = await run('r2');
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).not.toMatch(/pass --yes/);
      expect(await created()).toEqual({ jobs: 1, deployments: 1 });

      // The deployment deleted behind ftrag's back: the state still records it, so nobody is asked, and the run
      // must not create a new one unasked.
      const [dep] = (await clients.bedrock.send(new ListCustomModelDeploymentsCommand({}))).modelDeploymentSummaries!;
      await clients.bedrock.send(new DeleteCustomModelDeploymentCommand({ customModelDeploymentIdentifier: dep.customModelDeploymentArn }));
      const third = await run('r3');
      expect(third.code, third.stderr).toBe(2);
      expect(third.stderr).toMatch(/custom model deployment for fine-tuned would be created.*nobody was asked/);
      expect(await created()).toEqual({ jobs: 1, deployments: 0 });
      const fourth = await run('r4', '--yes');
      expect(fourth.code, fourth.stderr).toBe(0);
      expect(await created()).toEqual({ jobs: 1, deployments: 1 });
    } finally {
      clients.destroy();
      await emu.close();
    }
  }, 400_000);
});
