/** The one `<head>` every ftrag HTML report starts with: charset, the strict CSP, viewport, referrer, title, styles. */
import { escapeHtml as e } from './escape.js';
import { REPORT_CSS } from './html-style.js';

/** Forbids every fetch: the report is one offline file whose only script and styles are inline. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export interface HeadOptions {
  title: string;
  /** The tool that wrote the page (`<meta name="generator">`). */
  generator?: string;
  /** Styles this kind of report adds after the shared stylesheet. */
  extraCss?: string;
}

export function documentHead(o: HeadOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${o.generator === undefined ? '' : `<meta name="generator" content="${e(o.generator)}">\n`}<title>${e(o.title)}</title>
<style>${REPORT_CSS}${o.extraCss ? `\n${o.extraCss}` : ''}</style>
</head>`;
}
