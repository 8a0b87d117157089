/** Page-side scripts of the report-scale bench (plain JavaScript strings run in Chromium). */
import type { CDPSession, Page } from 'playwright-core';

export interface Action {
  q?: string;
  cat?: number;
  sys?: number;
  wrong?: boolean;
  next?: boolean;
}

/** True once the drill-down shows its first page and is not busy (a report without a busy state is ready when it has a status). */
// A function, not a string: Playwright evaluates a string predicate with eval, which the report's CSP forbids.
// No inner functions, so tsx adds no helpers to its body.
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  children: { length: number };
}
export const READY = (): boolean => {
  const doc = (globalThis as unknown as { document: { getElementById(id: string): PageElement | null } }).document;
  const status = doc.getElementById('drill-status');
  const host = doc.getElementById('drill-items');
  return !!status && !!status.textContent && !!host && host.dataset.state !== 'busy' && host.children.length > 0;
};

/**
 * Performs the action in the page and waits until the drill-down has rendered its complete result and painted. Plain JavaScript
 * in a string: the page must not see the helpers tsx adds to compiled functions.
 */
export const TIME_ACTION = `async (a) => {
  const $ = (id) => document.getElementById(id);
  const host = $('drill-items');
  const before = Number(host.dataset.renders || 0);
  const t = performance.now();
  if (a.cat !== undefined) { $('drill-cat').selectedIndex = a.cat; $('drill-cat').dispatchEvent(new Event('change')); }
  if (a.sys !== undefined) { $('drill-sys').selectedIndex = a.sys; $('drill-sys').dispatchEvent(new Event('change')); }
  if (a.wrong !== undefined && $('drill-wrong').checked !== a.wrong) { $('drill-wrong').checked = a.wrong; $('drill-wrong').dispatchEvent(new Event('change')); }
  if (a.q !== undefined) { $('drill-q').value = a.q; $('drill-controls').dispatchEvent(new Event('submit', { cancelable: true })); }
  if (a.next) $('drill-next').click();
  // A report that renders asynchronously says so with data-state=busy and counts renders in data-renders. A partial
  // result (data-state=partial: first matches shown while the search goes on) is not done: time to the complete one.
  await new Promise((done) => {
    const check = () => {
      const state = host.dataset.state;
      if (state !== 'busy' && state !== 'partial' && (host.dataset.renders === undefined || Number(host.dataset.renders) > before)) done();
      else requestAnimationFrame(check);
    };
    check();
  });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return { ms: performance.now() - t, status: $('drill-status').textContent || '' };
}`;

/** CPU seconds the renderer has used so far: its main thread and the whole process (Chromium's Performance metrics). */
export async function rendererCpu(cdp: CDPSession): Promise<{ main: number; process: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return { main: get('ThreadTime'), process: get('ProcessTime') };
}

/**
 * The action's wall time (the figure with a target) and, beside it, the CPU the renderer spent on it: on a shared
 * machine the wall time also counts waiting for a core, the CPU time does not.
 */
export async function timeAction(page: Page, cdp: CDPSession, action: Action): Promise<{ ms: number; status: string; mainCpuMs: number; rendererCpuMs: number }> {
  const before = await rendererCpu(cdp);
  const r = (await page.evaluate(`(${TIME_ACTION})(${JSON.stringify(action)})`)) as { ms: number; status: string };
  const after = await rendererCpu(cdp);
  return { ...r, mainCpuMs: (after.main - before.main) * 1000, rendererCpuMs: (after.process - before.process) * 1000 };
}
