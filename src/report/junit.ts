/**
 * junit.xml: one <testsuite> per system, one <testcase> per check the workload asks for (errors, accuracy
 * target, latency SLO, budget). CI test UIs show a failed check with its numbers.
 */
import type { RunSummary } from '../schema/run-result.js';
import { escapeXml as x } from './escape.js';
import { EMULATOR_BANNER, systemChecks } from './findings.js';
import { runTitle } from './format.js';
import { renderShadowJUnit } from './shadow-text.js';

export function renderJUnit(run: RunSummary): string {
  if (run.kind === 'shadow' && run.shadow) return renderShadowJUnit(run);
  const checks = systemChecks(run);
  const seconds = run.finishedAt ? Math.max(0, (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000) : 0;
  const failures = checks.filter((c) => !c.passed && !c.skipped).length;
  const skipped = checks.filter((c) => c.skipped).length;
  const suites = run.systems.map((s) => {
    const mine = checks.filter((c) => c.system === s.id);
    const cases = mine.map((c) => {
      const open = `    <testcase classname="ftrag.${x(s.id)}" name="${x(c.name)}" time="0">`;
      if (c.skipped) return `${open}\n      <skipped message="${x(c.skipped)}"/>\n    </testcase>`;
      if (!c.passed) return `${open}\n      <failure message="${x(c.message)}" type="ftrag.check">${x(`${c.name}\n${c.message}`)}</failure>\n    </testcase>`;
      return `${open}\n      <system-out>${x(c.message)}</system-out>\n    </testcase>`;
    });
    const props = [
      ['endpoint', run.endpoint.emulated ? `emulated: ${EMULATOR_BANNER}` : `${run.endpoint.kind} ${run.endpoint.region}`],
      ['kind', s.kind],
      ['modelId', s.modelId],
      ['items', String(s.items)],
      ...Object.entries(s.metrics).map(([m, v]) => [`metric.${m}`, String(v.mean)]),
      ['latency.p95Ms', String(s.latencyMs.p95)],
      ['retries', String(s.retries)],
      ['throttles', String(s.throttles)],
    ];
    return `  <testsuite name="ftrag.${x(s.id)}" tests="${mine.length}" failures="${mine.filter((c) => !c.passed && !c.skipped).length}" errors="0" skipped="${mine.filter((c) => c.skipped).length}" time="0" timestamp="${x(run.createdAt.replace(/Z$/, ''))}">
    <properties>
${props.map(([k, v]) => `      <property name="${x(k)}" value="${x(v)}"/>`).join('\n')}
    </properties>
${cases.join('\n')}
  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ftrag ${x(runTitle(run))} (${x(run.runId)}${run.endpoint.emulated ? ', EMULATED run: reference model, not Bedrock' : ''})" tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}">
${suites.join('\n')}
</testsuites>
`;
}
