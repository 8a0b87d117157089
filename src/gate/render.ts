/** Gate output: one-line explanations for stdout, a markdown summary (PRs, $GITHUB_STEP_SUMMARY) and JUnit XML. */
import type { GateOutcome, GateReport } from './types.js';

const MAX_FLIPS_LISTED = 25;
const MAX_PROMPT_CHARS = 160;

function status(o: GateOutcome): 'PASS' | 'FAIL' | 'SKIP' {
  return o.skipped ? 'SKIP' : o.passed ? 'PASS' : 'FAIL';
}

/** One line per outcome, then a verdict line. */
export function renderGateLines(report: GateReport): string[] {
  const lines = report.outcomes.map((o) => `${status(o)} ${o.message}`);
  const failed = report.outcomes.filter((o) => !o.passed).length;
  for (const f of report.flips) {
    if (f.regressed.length > 0) {
      const ids = f.regressed.slice(0, 10).map((i) => i.id).join(', ');
      const more = f.regressed.length > 10 ? `, ... ${f.regressed.length - 10} more` : '';
      lines.push(`FLIP ${f.system}: ${f.regressed.length} item(s) right -> wrong (${f.basis}), ${f.fixed} wrong -> right: ${ids}${more}`);
    }
  }
  lines.push(
    failed === 0
      ? `gate passed: ${report.outcomes.length} check(s), baseline ${report.baseline.runId} vs current ${report.current.runId}`
      : `gate FAILED: ${failed} of ${report.outcomes.length} check(s) failed, baseline ${report.baseline.runId} vs current ${report.current.runId}`,
  );
  return lines;
}

/** Text that is safe inside a GitHub-flavoured markdown table cell: HTML escaped, pipes escaped, one line. */
function cell(text: string, limit = Infinity): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const cut = oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/([*_[\]])/g, '\\$1');
}

/** Text for inside a code span: markdown and HTML are not interpreted there, only backticks and newlines matter. */
function code(text: string): string {
  return `\`${text.replace(/[`\s]+/g, ' ').trim()}\``;
}

export function renderGateMarkdown(report: GateReport): string {
  const failed = report.outcomes.filter((o) => !o.passed).length;
  const out: string[] = [];
  out.push(`## ftrag gate: ${failed === 0 ? '✅ passed' : `❌ failed (${failed} of ${report.outcomes.length} checks)`}`);
  out.push('');
  out.push(
    `Baseline ${code(report.baseline.runId)} (${cell(report.baseline.createdAt)}) vs current ${code(report.current.runId)} ` +
      `(${cell(report.current.createdAt)}) on eval set **${cell(report.evalSet.name)}** (${report.evalSet.size} items, ` +
      `sha256 \`${report.evalSet.sha256.slice(0, 12)}\`). Seed ${report.seed}.`,
  );
  out.push('');
  out.push('| | Check | System | Metric | Category | Explanation |');
  out.push('|---|---|---|---|---|---|');
  for (const o of report.outcomes) {
    const icon = o.skipped ? '⏭️' : o.passed ? '✅' : '❌';
    out.push(`| ${icon} | ${o.type} | ${cell(o.system)} | ${cell(o.metric ?? '')} | ${cell(o.category ?? 'all')} | ${cell(o.message)} |`);
  }
  out.push('');
  out.push('No-regression checks fail only when the paired test is significant after Holm correction **and** the drop is at least the minimum effect, so noise alone never fails the gate.');
  const withFlips = report.flips.filter((f) => f.regressed.length > 0);
  if (withFlips.length > 0) {
    out.push('');
    out.push('### Items that flipped from right to wrong');
    for (const f of withFlips) {
      out.push('');
      out.push(`**${cell(f.system)}** (${cell(f.basis)}): ${f.regressed.length} right → wrong, ${f.fixed} wrong → right`);
      out.push('');
      out.push('| Item | Category | Prompt |');
      out.push('|---|---|---|');
      for (const item of f.regressed.slice(0, MAX_FLIPS_LISTED)) {
        out.push(`| ${cell(item.id)} | ${cell(item.category ?? '')} | ${cell(item.prompt, MAX_PROMPT_CHARS)} |`);
      }
      if (f.regressed.length > MAX_FLIPS_LISTED) out.push(`| … | | ${f.regressed.length - MAX_FLIPS_LISTED} more (see --json) |`);
    }
  }
  out.push('');
  return out.join('\n');
}

/** XML 1.0 text: escape markup and drop characters XML cannot carry (controls, lone surrogates). */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** One testcase per outcome; a failed outcome carries <failure message="one-line explanation">. */
export function renderGateJUnit(report: GateReport): string {
  const failures = report.outcomes.filter((o) => !o.passed).length;
  const skipped = report.outcomes.filter((o) => o.skipped).length;
  const flipsBySystem = new Map(report.flips.map((f) => [f.system, f]));
  const cases = report.outcomes.map((o) => {
    const name = [o.system, o.metric, o.category !== undefined ? `[${o.category}]` : undefined].filter(Boolean).join(' ');
    const open = `    <testcase classname="ftrag.gate.${xmlEscape(o.type)}" name="${xmlEscape(name)}">`;
    const body: string[] = [];
    if (o.skipped) body.push(`      <skipped message="${xmlEscape(o.message)}"/>`);
    else if (!o.passed) {
      const flips = o.type === 'no-regression' ? flipsBySystem.get(o.system) : undefined;
      const detail = [o.message];
      if (flips && flips.regressed.length > 0) {
        detail.push(`Items right -> wrong (${flips.basis}):`);
        for (const item of flips.regressed.slice(0, MAX_FLIPS_LISTED)) detail.push(`  ${item.id}: ${item.prompt.replace(/\s+/g, ' ').slice(0, MAX_PROMPT_CHARS)}`);
      }
      body.push(`      <failure message="${xmlEscape(o.message)}" type="${xmlEscape(o.type)}">${xmlEscape(detail.join('\n'))}</failure>`);
    } else body.push(`      <system-out>${xmlEscape(o.message)}</system-out>`);
    return [open, ...body, '    </testcase>'].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ftrag gate" tests="${report.outcomes.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="ftrag gate: ${xmlEscape(report.baseline.runId)} vs ${xmlEscape(report.current.runId)}" tests="${report.outcomes.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
