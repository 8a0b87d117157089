/**
 * Escaping for every output format. Model output, references, prompts and document text are untrusted:
 * they only ever reach a report through one of these functions.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Escape text for XML content and attributes, dropping characters XML 1.0 cannot carry at all. */
export function escapeXml(text: unknown): string {
  return String(text ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => (c === "'" ? '&apos;' : HTML_ESCAPES[c]));
}

/**
 * JSON that is safe inside `<script type="application/json">`: no `</script>`, `<!--` or `]]>` can form, and
 * U+2028/2029 cannot end a line in older JS parsers. `JSON.parse` of the block text returns the original value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * One GitHub-flavoured markdown table cell: pipes and backslashes escaped, newlines flattened, and HTML
 * metacharacters entity-encoded so model output cannot inject raw HTML into a step summary.
 */
export function markdownCell(text: unknown): string {
  return markdownText(text).replace(/\|/g, '\\|');
}

/** Inline markdown text (outside tables): no raw HTML, no newlines, no emphasis/link syntax from untrusted input. */
export function markdownText(text: unknown): string {
  return String(text ?? '')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/[&<>]/g, (c) => HTML_ESCAPES[c])
    .replace(/([`*_[\]])/g, '\\$1');
}
