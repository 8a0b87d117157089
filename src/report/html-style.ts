/** Inline stylesheet for report.html: readable on screen, clean on paper (controls hidden, no split tables/charts). */
export const REPORT_CSS = `
:root { --fg: #1b1b1b; --muted: #555; --line: #d0d4d9; --bg-soft: #f4f6f8; --accent: #0b5cad; --bad: #a4262c; --good: #0b6e4f; --warn-bg: #fff4ce; --warn-line: #8a6d00; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--fg); background: #fff; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 1.75rem; margin: 0 0 4px; }
h2 { font-size: 1.4rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 24px 0 8px; }
h4 { font-size: 1rem; margin: 12px 0 4px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
a { color: var(--accent); }
.meta, .sub, figcaption, .status { color: var(--muted); }
.sub { font-size: 0.82rem; font-weight: normal; }
.toc ul { list-style: none; padding: 0; margin: 12px 0 0; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.verdict .headline { font-size: 1.3rem; font-weight: 600; line-height: 1.4; margin: 8px 0; }
.conf-high { color: var(--good); } .conf-low { color: var(--bad); } .conf-medium { color: #7a4d00; }
.banner { border: 2px solid #0b5cad; background: #e8f1fb; padding: 10px 14px; border-radius: 6px; margin: 12px 0; }
.warnings { border-left: 5px solid var(--warn-line); background: var(--warn-bg); padding: 4px 14px 8px; margin: 16px 0; border-radius: 4px; }
.warnings h3 { margin-top: 8px; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.92rem; }
caption { text-align: left; color: var(--muted); padding: 4px 0 8px; caption-side: top; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); border-bottom: 2px solid #9aa3ad; font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.board { font-size: 0.84rem; }
.board th, .board td { padding: 5px 5px; }
.board tbody th { min-width: 140px; max-width: 200px; }
.board .model { font-size: 0.78rem; }
.board .model { overflow-wrap: anywhere; }
.board tbody th.has-arn { max-width: none; }
.board .model.arn { display: block; overflow-wrap: normal; white-space: nowrap; }
.board-note { color: var(--muted); max-width: 100%; margin: 4px 0 4px; }
.board caption { white-space: normal; }
.retried { color: #7a4d00; }
.sys { font-weight: 700; }
.syslabel { font-size: 0.9em; }
table.cmp tbody th { white-space: nowrap; }
tr.recommended { background: #eef7f1; }
.pill { display: inline-block; font-size: 0.75rem; background: var(--good); color: #fff; padding: 0 6px; border-radius: 8px; }
.flag { font-size: 0.75rem; border: 1px solid #7a4d00; color: #7a4d00; padding: 0 4px; border-radius: 4px; }
td.bad { color: var(--bad); font-weight: 600; }
tr.sig th, tr.sig td { background: #f3f8fd; }
figure.chart { margin: 16px 0 32px; }
figure.chart .svg { overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { max-width: 75ch; margin-top: 6px; }
details.data summary { cursor: pointer; color: var(--accent); margin-top: 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 8px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.controls { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-end; background: var(--bg-soft); padding: 12px 14px; border-radius: 6px; }
.controls label { display: block; font-size: 0.88rem; font-weight: 600; margin-bottom: 2px; }
.controls .check { display: flex; gap: 6px; align-items: center; }
.controls .check label { display: inline; margin: 0; }
.controls input[type=search] { width: 22rem; max-width: 100%; }
input, select, button { font: inherit; padding: 4px 8px; border: 1px solid #767676; border-radius: 4px; background: #fff; color: var(--fg); }
button { cursor: pointer; }
button:disabled { color: #767676; cursor: default; }
:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
.pager { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
.glance-block { margin: 8px 0 16px; }
.glance-block h3 { margin-top: 8px; }
table.glance { margin: 6px 0 12px; }
#drill-items[data-state=busy] { opacity: 0.6; }
#drill-items article.item { content-visibility: auto; contain-intrinsic-size: auto 420px; }
article.item { border: 1px solid var(--line); border-radius: 6px; padding: 4px 14px 8px; margin: 12px 0; }
article.item h3 { margin: 8px 0; }
.tag { font-size: 0.8rem; font-weight: 600; background: var(--bg-soft); border: 1px solid var(--line); padding: 1px 8px; border-radius: 10px; margin-left: 8px; }
.label { font-size: 0.8rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); margin: 8px 0 2px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.refs { margin: 0; padding-left: 20px; }
table.answers td.answer { min-width: 240px; max-width: 520px; }
table.answers td.verdict { font-weight: 600; }
table.answers tr.wrong td.verdict { color: var(--bad); }
table.answers tr.right td.verdict { color: var(--good); }
table.answers .scores .primary { font-weight: 700; }
.error { color: var(--bad); margin: 0; font-weight: 600; }
.passages ol { margin: 0 0 8px; padding-left: 22px; }
.passages .src { font-size: 0.82rem; color: var(--muted); overflow-wrap: anywhere; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { margin: 48px auto 24px; color: var(--muted); font-size: 0.88rem; }
@media print {
  html { font-size: 11pt; }
  .controls, .pager, .toc, details.data, noscript { display: none !important; }
  header, main, footer { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  table, figure, article.item, .banner, .warnings { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .scroll, figure.chart .svg { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;
