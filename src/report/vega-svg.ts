/**
 * Render a vega-lite spec to an SVG string at build time, synchronously.
 * vega's own `view.toSVG()` is async only because it may wait for external images and data; our specs carry
 * inline data and no images, so we run the dataflow and the headless SVG string renderer directly. The sizing
 * mirrors vega-view's renderHeadless; a test checks the result equals `view.toSVG()` so a vega upgrade cannot
 * silently change it.
 */
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

let engines: { vega: typeof Vega; vegaLite: typeof VegaLite } | undefined;

/**
 * Loads vega and vega-lite, once. They are loaded when a report draws its charts, not with the rest of the CLI: about
 * 27 MB resident (node 20, `import()` of both), which a run would otherwise carry through its calls and statistics.
 */
export async function loadChartEngine(): Promise<void> {
  engines ??= { vega: await import('vega'), vegaLite: await import('vega-lite') };
}

function engine(): { vega: typeof Vega; vegaLite: typeof VegaLite } {
  if (!engines) throw new Error('the chart engine is not loaded: await loadChartEngine() before rendering a chart');
  return engines;
}

/** Okabe–Ito, ordered so the first colours have good contrast on white (yellow last). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#000000', '#F0E442'];

export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  range: { category: OKABE_ITO },
  axis: { labelFontSize: 12, titleFontSize: 13, labelColor: '#222', titleColor: '#222', labelLimit: 260 },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 260, orient: 'bottom', columns: 4 },
  header: { labelFontSize: 13, titleFontSize: 13 },
  title: { fontSize: 14 },
  view: { stroke: '#ccc' },
} as const;

interface HeadlessView {
  run(): void;
  padding(): { left: number; right: number; top: number; bottom: number };
  background(): string | undefined;
  loader(): unknown;
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
  _scenegraph: { root: unknown };
}

interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: [number, number], scaleFactor: number): SvgStringRenderer;
  background(color: string | undefined): SvgStringRenderer;
  render(scene: unknown): SvgStringRenderer;
  svg(): string;
}

export function compileSpec(spec: TopLevelSpec): Vega.Spec {
  return engine().vegaLite.compile({ config: CHART_CONFIG, ...spec } as TopLevelSpec).spec;
}

export function vegaLiteToSvg(spec: TopLevelSpec): string {
  const { vega } = engine();
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none' }) as unknown as HeadlessView;
  view.run();
  const pad = view.padding();
  const Renderer = (vega as unknown as { SVGStringRenderer: new (loader: unknown) => SvgStringRenderer }).SVGStringRenderer;
  const renderer = new Renderer(view.loader())
    .initialize(
      null,
      Math.max(0, view._viewWidth + pad.left + pad.right),
      Math.max(0, view._viewHeight + pad.top + pad.bottom),
      [pad.left + view._origin[0], pad.top + view._origin[1]],
      1,
    )
    .background(view.background());
  renderer.render(view._scenegraph.root);
  return renderer.svg();
}

/** The reference path through vega's public async API; used by tests to pin the synchronous path above. */
export async function vegaLiteToSvgAsync(spec: TopLevelSpec): Promise<string> {
  await loadChartEngine();
  const { vega } = engine();
  const view = new vega.View(vega.parse(compileSpec(spec)), { renderer: 'none' });
  return view.toSVG();
}
