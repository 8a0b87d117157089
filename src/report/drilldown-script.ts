/**
 * The drill-down's browser script, inlined into report.html. The page holds a filter index (per item its category,
 * per item and system a flag byte and the primary score) and the items in compressed chunks (drilldown-data.ts).
 *  - Category, system, wrong-only, agreement and flip filters and the orders read only the index: no text decoded.
 *  - A page decodes only the chunks its items are in (DecompressionStream), a few kept in a small cache.
 *  - Text search reads a lower-cased haystack per chunk, built when the chunk is first decoded; after the first page is
 *    on screen the script builds the rest in the background. A search that reaches chunks not yet indexed shows its
 *    first matches as soon as a page is full and says how far it has got (data-state: busy, partial, ready).
 * Cards are built with DOM APIs and textContent only (drilldown-cards.ts). Kept free of "</" so it cannot end its
 * script element.
 */
import { DRILLDOWN_CARDS } from './drilldown-cards.js';

export const DRILLDOWN_SCRIPT = `
(function () {
  'use strict';
  var headBlock = document.getElementById('ftrag-drill');
  if (!headBlock) return;
  var H = JSON.parse(headBlock.textContent || '{}');
  var D = { s: H.s, m: H.m, p: H.p, c: H.c, x: [], u: [] };
  var N = H.n, S = H.s.length, K = H.k;
  var PAGE = __PAGE_SIZE__;
  var WRONG = 1, ESTIMATED = 2, SHORTENED = 4;
  var I_PRESENT = 1, I_WRONG = 2, NONE = 65535;
  var CACHE_MAX = 24;
  var blocks = Array.prototype.slice.call(document.getElementsByClassName('ftrag-chunk'));
  var q = document.getElementById('drill-q');
  var cat = document.getElementById('drill-cat');
  var sys = document.getElementById('drill-sys');
  var show = document.getElementById('drill-show');
  var order = document.getElementById('drill-order');
  var wrong = document.getElementById('drill-wrong');
  var status = document.getElementById('drill-status');
  var pageLabel = document.getElementById('drill-page');
  var prev = document.getElementById('drill-prev');
  var next = document.getElementById('drill-next');
  var host = document.getElementById('drill-items');
  var score = null, category = null, flags = null;
  var cache = {}, cached = [], pending = {};
  var hay = new Array(blocks.length);
  var page = 0, matches = [], gen = 0, renders = 0;
${DRILLDOWN_CARDS}
  function bytesOf(text) {
    var bin = atob(text.trim());
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function gunzip(text) {
    return new Response(new Blob([bytesOf(text)]).stream().pipeThrough(new DecompressionStream('gzip')));
  }
  /** A chunk's columns (drilldown-data.ts ChunkColumns) back into rows, the shape the cards read. */
  function rows(C) {
    var out = new Array(C.i.length);
    for (var i = 0; i < C.i.length; i++) {
      var res = new Array(S);
      for (var j = 0; j < S; j++) {
        if (C.o[j][i] === null) { res[j] = null; continue; }
        var sc = new Array(D.m.length);
        for (var m = 0; m < D.m.length; m++) sc[m] = C.s[j][m][i];
        res[j] = [C.o[j][i], sc, C.l[j][i], C.f[j][i], C.ti[j][i], C.to[j][i], C.g[j][i], C.e[j][i], C.x[j][i], C.t[j][i]];
      }
      out[i] = [C.i[i], C.c[i], C.q[i], C.r[i], res];
    }
    return out;
  }
  function buildHay(items) {
    var parts = new Array(items.length), starts = new Int32Array(items.length), at = 0;
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var p = [it[0], it[2]].concat(it[3]);
      for (var s = 0; s < it[4].length; s++) if (it[4][s]) p.push(it[4][s][0]);
      parts[i] = p.join(' ').toLowerCase();
      starts[i] = at;
      at += parts[i].length + 1;
    }
    return { text: parts.join('\\u0000'), starts: starts };
  }
  /** The items of chunk c; keep puts them in the small cache of chunks on screen. */
  function chunk(c, keep) {
    if (cache[c]) {
      cached.splice(cached.indexOf(c), 1);
      cached.push(c);
      return Promise.resolve(cache[c]);
    }
    if (!pending[c]) {
      pending[c] = gunzip(blocks[c].textContent).text().then(function (t) {
        var items = rows(JSON.parse(t));
        delete pending[c];
        if (!hay[c]) hay[c] = buildHay(items);
        return items;
      });
    }
    return pending[c].then(function (items) {
      if (keep && !cache[c]) {
        cache[c] = items;
        cached.push(c);
        while (cached.length > CACHE_MAX) delete cache[cached.shift()];
      }
      return items;
    });
  }
  function textHits(c, text, out) {
    var h = hay[c], pos = h.text.indexOf(text), i = 0, last = h.starts.length - 1;
    while (pos >= 0) {
      while (i < last && h.starts[i + 1] <= pos) i++;
      out.push(c * K + i);
      if (i >= last) break;
      pos = h.text.indexOf(text, h.starts[i + 1]);
    }
  }

  function predicate() {
    var c = cat.value === '' ? -1 : Number(cat.value);
    var s = sys.value === '' ? -1 : Number(sys.value);
    var w = wrong.checked;
    var v = show.value;
    var flip = v.indexOf('flip:') === 0 ? v.split(':').map(Number) : null;
    return function (k) {
      if (c >= 0 && category[k] !== c) return false;
      var base = k * S, f, j;
      if (s >= 0 && !(flags[base + s] & I_PRESENT)) return false;
      if (w) {
        var any = false;
        for (j = 0; j < S; j++) if ((s < 0 || s === j) && (flags[base + j] & I_WRONG)) { any = true; break; }
        if (!any) return false;
      }
      if (flip) return (flags[base + flip[1]] & (I_PRESENT | I_WRONG)) === I_PRESENT && (flags[base + flip[2]] & (I_PRESENT | I_WRONG)) === (I_PRESENT | I_WRONG);
      if (v) {
        var r = 0, x = 0;
        for (j = 0; j < S; j++) {
          f = flags[base + j];
          if (!(f & I_PRESENT)) continue;
          if (f & I_WRONG) x++; else r++;
        }
        if (v === 'all-wrong') return x > 0 && r === 0;
        if (v === 'all-right') return r > 0 && x === 0;
        if (v === 'mixed') return r > 0 && x > 0;
      }
      return true;
    };
  }
  function sortMatches() {
    var o = order.value;
    if (!o) return;
    var s = sys.value === '' ? -1 : Number(sys.value);
    var key = new Float64Array(N);
    for (var m = 0; m < matches.length; m++) {
      var k = matches[m], lo = 2, hi = -1, sum = 0, n = 0;
      for (var j = 0; j < S; j++) {
        if (!(flags[k * S + j] & I_PRESENT) || (s >= 0 && j !== s)) continue;
        var v = score[k * S + j] === NONE ? 0 : score[k * S + j] / 10000;
        sum += v; n++;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      key[k] = o === 'worst' ? (n ? sum / n : 0) : -(n ? hi - lo : 0);
    }
    matches.sort(function (a, b) { return key[a] - key[b] || a - b; });
  }

  function setState(state) { host.dataset.state = state; }
  function filter() {
    if (!flags) return;
    var my = ++gen;
    var text = (q.value || '').trim().toLowerCase();
    var keep = predicate();
    page = 0;
    if (!text) {
      matches = [];
      for (var k = 0; k < N; k++) if (keep(k)) matches.push(k);
      sortMatches();
      return render(my, null);
    }
    setState('busy');
    var found = [], c = 0, shown = false;
    function step() {
      if (my !== gen) return;
      while (c < blocks.length && hay[c]) {
        var hits = [];
        textHits(c, text, hits);
        for (var h = 0; h < hits.length; h++) if (keep(hits[h])) found.push(hits[h]);
        c++;
      }
      if (c >= blocks.length) {
        matches = found;
        sortMatches();
        if (!shown) page = 0;
        return render(my, null);
      }
      var progress = 'Searching… ' + found.length.toLocaleString('en-US') + ' matching so far, ' + Math.round((100 * c) / blocks.length) + '% of the answers searched.';
      if (!order.value && !shown && found.length >= PAGE) {
        shown = true;
        matches = found.slice();
        render(my, progress);
      } else {
        status.textContent = progress;
      }
      chunk(c, false).then(step, fail);
    }
    step();
  }

  function render(my, progress) {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE;
    var end = Math.min(matches.length, start + PAGE);
    var wanted = [];
    for (var k = start; k < end; k++) {
      var c = Math.floor(matches[k] / K);
      if (wanted.indexOf(c) < 0) wanted.push(c);
    }
    if (progress === null) setState('busy');
    return Promise.all(wanted.map(function (c) { return chunk(c, true); })).then(function (loaded) {
      if (my !== gen) return;
      var onlySys = sys.value === '' ? -1 : Number(sys.value);
      var frag = document.createDocumentFragment();
      for (var k = start; k < end; k++) {
        var c = Math.floor(matches[k] / K);
        frag.appendChild(card(loaded[wanted.indexOf(c)][matches[k] - c * K], onlySys));
      }
      while (host.firstChild) host.removeChild(host.firstChild);
      host.appendChild(frag);
      status.textContent = progress !== null
        ? progress
        : matches.length === 0
          ? 'No questions match these filters.'
          : 'Showing ' + (start + 1) + '–' + end + ' of ' + matches.length + ' matching questions (' + N + ' in total).';
      pageLabel.textContent = 'Page ' + (page + 1) + ' of ' + pages + (progress !== null ? ' so far' : '');
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      host.dataset.renders = String(++renders);
      setState(progress !== null ? 'partial' : 'ready');
    }, fail);
  }
  function fail(err) {
    status.textContent = 'The answers could not be shown in this browser (' + err + '). Every answer is in run.json.';
    setState('ready');
  }
  /** Builds the remaining search haystacks one chunk at a time, yielding between chunks so the page stays responsive. */
  function warm(c) {
    while (c < blocks.length && hay[c]) c++;
    if (c >= blocks.length) {
      host.dataset.indexed = 'all';
      return;
    }
    chunk(c, false).then(function () { setTimeout(function () { warm(c + 1); }, 0); }, function () {});
  }

  var timer = null;
  q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(filter, 120); });
  cat.addEventListener('change', filter);
  sys.addEventListener('change', filter);
  show.addEventListener('change', filter);
  order.addEventListener('change', filter);
  wrong.addEventListener('change', filter);
  document.getElementById('drill-controls').addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); filter(); });
  prev.addEventListener('click', function () { if (page > 0) { page--; render(gen, null).then(function () { host.scrollIntoView(); }); } });
  next.addEventListener('click', function () { page++; render(gen, null).then(function () { host.scrollIntoView(); }); });

  Promise.all([
    gunzip(document.getElementById('ftrag-index').textContent).arrayBuffer(),
    gunzip(document.getElementById('ftrag-passages').textContent).text(),
  ]).then(function (r) {
    score = new Uint16Array(r[0], 0, N * S);
    category = new Uint16Array(r[0], N * S * 2, N);
    flags = new Uint8Array(r[0], N * S * 2 + N * 2, N * S);
    var t = JSON.parse(r[1]);
    D.x = t.x;
    D.u = t.u;
    filter();
    setTimeout(function () { warm(0); }, 0);
  }, fail);
})();
`;
