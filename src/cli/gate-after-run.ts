import { join, resolve } from 'node:path';
import { runGate } from './gate-run.js';

/** `ftrag run --baseline`: the gate's markdown and JUnit go beside the run's own reports. */
export async function gateAfterRun(baseline: string, currentRunJson: string, rules: string | undefined, outDir: string, log: (l: string) => void): Promise<number> {
  log(`gate: comparing with ${baseline}`);
  return runGate({
    baselineFile: resolve(baseline),
    currentFile: currentRunJson,
    rulesFile: rules ? resolve(rules) : undefined,
    junit: join(outDir, 'gate-junit.xml'),
    markdown: join(outDir, 'gate.md'),
  });
}
