/**
 * The drill-down's item cards, part of the inlined browser script (drilldown-script.ts): every element is built with
 * createElement/textContent, so item text (model output, references, passages) is never parsed as HTML, and URIs
 * are shown as text, never as links. Uses the script's D (systems, metrics, categories, passages, URIs) and flags.
 */
export const DRILLDOWN_CARDS = `
  function n(k, one, many) {
    return k + ' ' + (k === 1 ? one : many);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmtScore(x) { return x === null ? 'n/a' : (Math.round(x * 1000) / 1000).toString(); }
  // One formatter for every number on a page: toLocaleString builds a new one per call (a tenth of a search's CPU).
  var NUM = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  function fmtMs(x) { return x === null ? 'n/a' : NUM.format(Math.round(x)) + ' ms'; }
  function fmtNum(x) { return x === null ? 'n/a' : NUM.format(Math.round(x)); }

  function passageList(title, entries, render) {
    var box = el('div', 'passages');
    box.appendChild(el('h4', null, title));
    var ol = el('ol');
    for (var i = 0; i < entries.length; i++) ol.appendChild(render(entries[i]));
    box.appendChild(ol);
    return box;
  }

  function resultRow(tbody, it, j) {
    var r = it[4][j];
    var tr = el('tr', r[6] & WRONG ? 'wrong' : 'right');
    var th = el('th', null, D.s[j]);
    th.scope = 'row';
    tr.appendChild(th);
    var ans = el('td', 'answer');
    if (r[7] !== null) ans.appendChild(el('p', 'error', 'Failed: ' + r[7]));
    if (r[0] !== '' || r[7] === null) ans.appendChild(el('div', 'text', r[0] === '' ? '(empty answer)' : r[0]));
    if (r[6] & SHORTENED) ans.appendChild(el('p', 'sub', 'Shortened here; run.json has the whole answer.'));
    tr.appendChild(ans);
    var verdict = el('td', 'verdict', r[6] & WRONG ? 'wrong' : 'right');
    tr.appendChild(verdict);
    var sc = el('td', 'scores');
    for (var m = 0; m < D.m.length; m++) {
      var line = el('div', m === D.p ? 'primary' : null, D.m[m] + ' ' + fmtScore(r[1][m]));
      sc.appendChild(line);
    }
    tr.appendChild(sc);
    var lat = el('td', 'num', fmtMs(r[2]));
    if (r[3] !== null) lat.appendChild(el('div', 'sub', 'first token ' + fmtMs(r[3])));
    tr.appendChild(lat);
    tr.appendChild(el('td', 'num', fmtNum(r[4]) + ' / ' + fmtNum(r[5]) + (r[6] & ESTIMATED ? ' (est.)' : '')));
    tbody.appendChild(tr);
    if (r[8] || r[9]) {
      var extra = el('tr', 'rag');
      var td = el('td');
      td.colSpan = 6;
      var det = el('details');
      det.appendChild(el('summary', null, D.s[j] + ': ' + n(r[8] ? r[8].length : 0, 'retrieved passage', 'retrieved passages') + ', ' + n(r[9] ? r[9].length : 0, 'citation', 'citations')));
      // Passages are built when the reader opens them: a page of 50 questions stays light.
      det.addEventListener('toggle', function fill() {
        if (!det.open) return;
        det.removeEventListener('toggle', fill);
        passagesInto(det, r);
      });
      td.appendChild(det);
      extra.appendChild(td);
      tbody.appendChild(extra);
    }
  }

  function passagesInto(det, r) {
    if (r[8]) det.appendChild(passageList('Retrieved passages', r[8], function (c) {
      var li = el('li');
      li.appendChild(el('div', 'src', (c[1] >= 0 ? D.u[c[1]] : 'no source') + (c[2] !== null ? ' · score ' + c[2] : '')));
      li.appendChild(el('div', 'text', D.x[c[0]]));
      return li;
    }));
    if (r[9]) det.appendChild(passageList('Citations', r[9], function (c) {
      var li = el('li');
      li.appendChild(el('div', 'text', D.x[c[0]]));
      var srcs = [];
      for (var u = 0; u < c[1].length; u++) srcs.push(D.u[c[1][u]]);
      li.appendChild(el('div', 'src', srcs.length ? 'sources: ' + srcs.join(', ') : 'no source'));
      return li;
    }));
  }

  function card(it, onlySys) {
    var art = el('article', 'item');
    var h = el('h3', null, it[0]);
    if (it[1] >= 0) h.appendChild(el('span', 'tag', D.c[it[1]]));
    art.appendChild(h);
    art.appendChild(el('p', 'label', 'Question'));
    art.appendChild(el('div', 'text prompt', it[2]));
    art.appendChild(el('p', 'label', it[3].length === 1 ? 'Reference answer' : 'Reference answers'));
    var refs = el('ul', 'refs');
    for (var i = 0; i < it[3].length; i++) refs.appendChild(el('li', 'text', it[3][i] === '' ? '(no answer: unanswerable)' : it[3][i]));
    if (!it[3].length) refs.appendChild(el('li', null, '(none)'));
    art.appendChild(refs);
    var wrap = el('div', 'scroll');
    var table = el('table', 'answers');
    table.appendChild(el('caption', 'sr-only', 'Answers to ' + it[0]));
    var thead = el('thead');
    var hr = el('tr');
    var heads = ['System', 'Answer', 'Verdict', 'Scores', 'Latency', 'Tokens in / out'];
    for (var c = 0; c < heads.length; c++) { var th = el('th', null, heads[c]); th.scope = 'col'; hr.appendChild(th); }
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el('tbody');
    for (var j = 0; j < it[4].length; j++) {
      if (!it[4][j] || (onlySys >= 0 && j !== onlySys)) continue;
      resultRow(tbody, it, j);
    }
    table.appendChild(tbody);
    wrap.appendChild(table);
    art.appendChild(wrap);
    return art;
  }
`;
