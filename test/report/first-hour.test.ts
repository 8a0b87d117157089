import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemStreamOf, renderHtml, renderJUnit, renderMarkdown } from '../../src/report/index.js';
import { costChart, lossChart } from '../../src/report/charts.js';
import { loadChartEngine } from '../../src/report/vega-svg.js';
import { DRILLDOWN_SCRIPT } from '../../src/report/drilldown-script.js';
import { removeStaleTempFiles, writeReports } from '../../src/report/write.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';

// Charts render with vega, which the report loads on first use.
beforeAll(loadChartEngine);

describe('report items a new user tripped over', () => {
  const run = buildRunResult({ items: 60 });

  it('report.md says "Emulated run" before the verdict; junit.xml says the run was emulated', () => {
    const md = renderMarkdown(run);
    expect(md.indexOf('**Emulated run.**')).toBeGreaterThan(0);
    expect(md.indexOf('**Emulated run.**')).toBeLessThan(md.indexOf('**Verdict:**'));
    const junit = renderJUnit(run);
    expect(junit).toMatch(/<testsuites name="[^"]*EMULATED run/);
    expect(junit).toMatch(/<property name="endpoint" value="emulated: /);
    const real = buildRunResult({ items: 60, emulated: false });
    expect(renderMarkdown(real)).not.toContain('Emulated run');
    expect(renderJUnit(real)).not.toMatch(/EMULATED/);
  });

  it('retries and throttles are shown next to latency in report.html and report.md', async () => {
    const retried = run.systems.find((s) => s.retries > 0)!;
    expect(retried).toBeDefined();
    const row = (html: string, id: string) => new RegExp(`<span class="sys">${id}</span>[\\s\\S]*?</tr>`).exec(html)![0];
    const html = await renderHtml(run, itemStreamOf(run.items));
    expect(row(html, retried.id)).toContain(`${retried.retries} ${retried.retries === 1 ? 'retry' : 'retries'} (${retried.throttles} throttled); latency is each call&#39;s last attempt`);
    const md = renderMarkdown(run);
    const mdRow = md.split('\n').find((l) => l.startsWith(`| ${retried.id}`))!;
    expect(mdRow).toMatch(/retr(y|ies) \(\d+ throttled\); latency is each call's last attempt/);
  });

  it('ARNs are shown by their resource on one line, with the full ARN in the title and in the methods section', async () => {
    const html = await renderHtml(run, itemStreamOf(run.items));
    expect(html).toContain('<span class="model arn" title="arn:aws:bedrock:us-east-1:000000000000:custom-model-deployment/ft-demo">custom-model-deployment/ft-demo</span>');
    expect(html).toMatch(/<dt>fine-tuned<\/dt><dd>fine-tuned: arn:aws:bedrock:us-east-1:000000000000:custom-model-deployment\/ft-demo<\/dd>/);
  });

  it('"Unverified" names only prices this run used, each once', async () => {
    const withExtra = buildRunResult({ items: 60 });
    withExtra.priceCatalog.unverified = [...withExtra.priceCatalog.unverified, 'cohere.command-r price for a model not in this experiment'];
    const html = await renderHtml(withExtra, itemStreamOf(withExtra.items));
    const dd = /<dt>Unverified<\/dt><dd>([^<]*)<\/dd>/.exec(html)![1];
    expect(dd).not.toContain('cohere');
    const used = new Set(withExtra.systems.flatMap((s) => s.cost?.unverifiedPrices ?? []));
    expect(dd.split('; ')).toEqual([...used].map((u) => u.replace(/'/g, '&#39;')));
  });

  it('"1 citation" and "1 retrieved passage" are singular in the drill-down', () => {
    expect(DRILLDOWN_SCRIPT).toContain("n(r[9] ? r[9].length : 0, 'citation', 'citations')");
    // The pluralising helper, run as the browser would.
    const n = new Function(`${/function n\(k, one, many\) \{[\s\S]*?\n  \}/.exec(DRILLDOWN_SCRIPT)![0]}; return n;`)() as (k: number, a: string, b: string) => string;
    expect(n(1, 'citation', 'citations')).toBe('1 citation');
    expect(n(2, 'citation', 'citations')).toBe('2 citations');
  });

  it('cost lines that lie on top of each other get distinct markers and a sentence that says so', () => {
    const close = buildRunResult({ items: 60 });
    const rag = close.systems.find((s) => s.id === 'rag')!.cost!;
    const ragFt = close.systems.find((s) => s.id === 'rag-fine-tuned')!.cost!;
    Object.assign(ragFt, { monthlyFixedUsd: rag.monthlyFixedUsd + 1.95, per1kQueriesUsd: rag.per1kQueriesUsd });
    const chart = costChart(close)!;
    expect(chart.summary).toMatch(/rag and rag-fine-tuned differ by at most \$1\.95 a month .* their lines overlap; the markers/);
    expect(chart.svg).toMatch(/<path[^>]*aria-roledescription="point"|role="graphics-symbol"/);
  });

  it('the loss chart\'s final training loss is the job\'s own figure when recorded', () => {
    const withLoss = buildRunResult({ items: 60 });
    const ft = withLoss.systems.find((s) => s.training?.trainingLoss?.length)!;
    ft.training!.finalTrainingLoss = 0.0183;
    const chart = lossChart(withLoss)!;
    expect(chart.summary).toContain('final training loss 0.018 as the job reported it');
  });

  it('no *.tmp file is left in the run folder after a killed write: the next write removes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-tmp-'));
    // A writer that died mid-write (pid far above any live process) and one that is alive (this process).
    writeFileSync(join(dir, 'report.html.999999999.0123abcd.tmp'), 'half a file');
    writeFileSync(join(dir, `run.json.${process.pid}.89abcdef.tmp`), 'in flight');
    expect(await removeStaleTempFiles(dir)).toEqual(['report.html.999999999.0123abcd.tmp']);
    writeFileSync(join(dir, 'junit.xml.999999998.fedcba98.tmp'), 'half a file');
    await writeReports(run, itemStreamOf(run.items), dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([`run.json.${process.pid}.89abcdef.tmp`]);
  });
});
