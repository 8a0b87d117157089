/** report.md and junit.xml of a shadow run. Untrusted text is flattened and stripped (escape.ts). */
import type { RunSummary } from '../schema/run-result.js';
import type { ShadowSummary } from '../schema/shadow.js';
import { escapeXml as x, markdownCell as cell, markdownText as text } from './escape.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ci = (c: [number, number]) => `${pct(c[0])}–${pct(c[1])}`;

function table(head: string[], rows: string[][]): string {
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function renderShadowMarkdown(run: RunSummary): string {
  const s = run.shadow!;
  const out: string[] = [];
  out.push(`# ftrag shadow: ${text(s.candidate.systemId)} vs production (${text(s.production.modelId)})`, '');
  for (const n of run.notes) out.push(`> ${text(n)}`, '');
  out.push(`**${text(s.verdict.headline)}**`, '');
  for (const r of s.verdict.reasons) out.push(`- ${text(r)}`);
  out.push('', '## Agreement', '', table(['metric', 'mean', '95% CI', 'n'], Object.entries(s.agreement).map(([m, a]) => [cell(m), pct(a.mean), ci(a.ci95), String(a.n)])), '');
  if (s.judge) {
    const j = s.judge;
    out.push('## Judge', '', table(['judge', 'n', 'wins', 'losses', 'ties', 'preference', 'p'], [[cell(j.modelId), String(j.n), String(j.wins), String(j.losses), String(j.ties), `${pct(j.preference.mean)} (${ci(j.preference.ci95)})`, j.pValue.toPrecision(3)]]), '');
  }
  out.push(
    '## Behaviour',
    '',
    table(['', 'production', 'candidate'], [
      ['refusal', pct(s.refusal.production.rate), pct(s.refusal.candidate.rate)],
      ['non-answer', pct(s.nonAnswer.production.rate), pct(s.nonAnswer.candidate.rate)],
    ]),
    '',
  );
  const c = s.cost;
  out.push(
    '## Cost at your traffic',
    '',
    `${Math.round(s.traffic.monthlyQueries).toLocaleString('en-US')} requests a month (${s.traffic.requestsPerHour.mean.toFixed(1)} per hour over ${s.traffic.hours.toFixed(1)} h logged, peak ${s.traffic.requestsPerHour.peak} in an hour).`,
    '',
    table(['', 'per month', 'missing prices'], [
      ['production', `$${c.production.monthlyTotalUsd.toFixed(2)}`, cell(c.production.missingPrices.join('; '))],
      ['candidate', `$${c.candidate.monthlyTotalUsd.toFixed(2)}`, cell(c.candidate.missingPrices.join('; '))],
    ]),
    '',
    `Logs: ${s.logs.records} records, ${s.logs.usable} usable, ${s.logs.compared} compared, ${s.logs.bad.count} bad.${s.redacted ? ' Redacted: e-mail addresses, phone numbers and card-like numbers are masked.' : ''}`,
    '',
  );
  return `${out.join('\n')}\n`;
}

interface Case {
  name: string;
  passed: boolean;
  message: string;
}

export function shadowChecks(s: ShadowSummary): Case[] {
  const a = s.agreement[s.agreementMetric];
  const cases: Case[] = [
    { name: 'replay errors', passed: s.replay.failed === 0, message: `${s.replay.failed} of ${s.logs.compared} replayed requests failed` },
    { name: `agreement ${s.agreementMetric}`, passed: true, message: `${pct(a.mean)} (95% CI ${ci(a.ci95)}, n=${a.n})` },
  ];
  if (s.judge) {
    const worse = s.judge.pValue < 0.05 && s.judge.losses > s.judge.wins;
    cases.push({ name: 'judge preference not significantly below 50%', passed: !worse, message: `preference ${pct(s.judge.preference.mean)}, ${s.judge.wins} wins / ${s.judge.losses} losses / ${s.judge.ties} ties, sign test p=${s.judge.pValue.toPrecision(3)}` });
  }
  return cases;
}

export function renderShadowJUnit(run: RunSummary): string {
  const cases = shadowChecks(run.shadow!);
  const failures = cases.filter((c) => !c.passed).length;
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="ftrag.shadow.${x(run.shadow!.candidate.systemId)}" name="${x(c.name)}" time="0">`;
      return c.passed
        ? `${open}\n      <system-out>${x(c.message)}</system-out>\n    </testcase>`
        : `${open}\n      <failure message="${x(c.message)}" type="ftrag.check">${x(c.message)}</failure>\n    </testcase>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="ftrag shadow" tests="${cases.length}" failures="${failures}">
  <testsuite name="shadow ${x(run.shadow!.candidate.systemId)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">
${body}
  </testsuite>
</testsuites>
`;
}
