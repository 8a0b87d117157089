import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `ftrag plan` and `ftrag run --dry-run`: one path, so both print exactly the same plan and call nothing billable. */
export async function planCommand(args: Record<string, unknown>): Promise<number> {
  const { findConfigFile, loadConfig, withConfigLocation } = await import('../config/load.js');
  const { planRun, renderPlan } = await import('../experiment/plan.js');
  const { DEMO_CONFIG } = await import('../experiment/demo.js');
  const cwd = process.cwd();
  const file = args.config ? resolve(cwd, args.config as string) : ((await findConfigFile(cwd)) ?? fileURLToPath(DEMO_CONFIG));
  const loaded = await loadConfig(file);
  try {
    const { loadProvisionState } = await import('../experiment/defaults.js');
    // What is already created (the provisioning state) is shown as reused and not priced again; nothing is called.
    const state = await loadProvisionState(loaded.config, cwd);
    const plan = await planRun(loaded, { limit: args.limit as number | undefined, state, log: (l) => process.stderr.write(`${l}\n`) });
    process.stdout.write(args.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan));
    return 0;
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}
