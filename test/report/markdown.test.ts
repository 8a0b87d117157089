import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/index.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { buildRunResult, HOSTILE } from '../fixtures/run-results/build-run-result.js';

const run = buildRunResult();
const md = renderMarkdown(run);

/** Cells of a GFM table row, honouring escaped pipes. */
function cells(row: string): string[] {
  return row.replace(/^\|\s?|\s?\|$/g, '').split(/(?<!\\)\|/);
}

function tableAfter(heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  const rows: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].startsWith('|')) rows.push(lines[i]);
    else if (rows.length) break;
  }
  return rows;
}

describe('renderMarkdown', () => {
  it('opens with the emulator note, then the verdict and confidence', () => {
    // Issue 17: an emulated run says so before the verdict.
    expect(md.split('\n').slice(0, 6).join('\n')).toContain(`**Verdict:** ${run.recommendation!.headline}`);
    expect(md).toContain('confidence **medium**');
    expect(md).toContain('> **Emulated run.**');
  });

  it('has a well-formed scoreboard with one row per system', () => {
    const rows = tableAfter('## Scoreboard');
    expect(rows).toHaveLength(2 + run.systems.length);
    const width = cells(rows[0]).length;
    for (const r of rows) expect(cells(r)).toHaveLength(width);
    expect(rows[2]).toMatch(/^\| base \| base \| 37\.0% \(/);
  });

  it('lists only significant differences', () => {
    const rows = tableAfter('## Significant differences');
    expect(rows.length - 2).toBe(run.comparisons.filter((c) => c.significant).length);
    const none = renderMarkdown({ ...run, comparisons: run.comparisons.map((c) => ({ ...c, significant: false })) });
    expect(none).toContain('None of the 16 paired comparisons is significant');
  });

  it('escapes pipes, newlines and HTML from untrusted text in cells and lists', () => {
    const hostile: InMemoryRun = structuredClone(run);
    hostile.systems[0].kind = 'a | b\nc';
    hostile.recommendation!.reasons = [`${HOSTILE.script} | and\nnew line`];
    hostile.recommendation!.headline = HOSTILE.img;
    const out = renderMarkdown(hostile);
    expect(out).not.toMatch(/<(script|img)\b/i);
    expect(out).toContain('a \\| b c');
    expect(out).toContain('- &lt;script&gt;window.\\_\\_pwned=1&lt;/script&gt; | and new line');
    const rows = out.split('\n').filter((l) => l.startsWith('| base'));
    expect(cells(rows[0])).toHaveLength(cells(out.split('\n').find((l) => l.startsWith('| System'))!).length);
  });
});
