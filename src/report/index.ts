/** Reports from a RunResult: self-contained HTML for people, markdown and JUnit for CI. */
export { renderHtml, CSP } from './html.js';
export { renderMarkdown } from './markdown.js';
export { renderJUnit } from './junit.js';
export { writeReports, writeReportFiles, writeFileAtomic, type WrittenReports, type ReportPaths, type WriteOptions } from './write.js';
export { systemChecks, reportWarnings, isWrong, type Check } from './findings.js';
export { escapeHtml, escapeXml, jsonForScript, markdownCell, markdownText } from './escape.js';
export { itemStreamOf, type ItemStream } from './item-stream.js';
