import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, jsonForScript, markdownCell, markdownText } from '../../src/report/escape.js';

describe('escaping', () => {
  it('escapeHtml neutralises tags and attribute quotes', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });
  it('jsonForScript cannot close its script element and round-trips', () => {
    const value = { a: '</script><script>x()</script>', b: '<!-- -->', c: 'a\u2028b\u2029c & d', d: ']]>' };
    const out = jsonForScript(value);
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(value);
  });
  it('escapeXml replaces characters XML cannot hold and escapes markup', () => {
    expect(escapeXml('a\u0000b<c>"d"\'e\'&')).toBe('a\uFFFDb&lt;c&gt;&quot;d&quot;&apos;e&apos;&amp;');
    expect(escapeXml('\uD800x')).toBe('\uFFFDx');
  });
  it('markdown cells escape pipes and newlines and carry no raw HTML', () => {
    expect(markdownCell('a | b\nc <b>d</b>')).toBe('a \\| b c &lt;b&gt;d&lt;/b&gt;');
    expect(markdownText('[x](javascript:y) *z*')).toBe('\\[x\\](javascript:y) \\*z\\*');
  });
});
