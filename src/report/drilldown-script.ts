/**
 * The drill-down's browser script, inlined into report.html. The page holds a filter index (per item its category,
 * per item and system a flag byte and the primary score) and the items in compressed chunks (drilldown-data.ts).
 *  - Category, system, wrong-only, agreement and flip filters and the orders read only the index: no text decoded.
 *  - A page decodes only the chunks its items are in (DecompressionStream), a few kept in a small cache.
 *  - Text search reads only the word index (drilldown-words.ts), decoded once just after the first page is on screen:
 *    the items holding every word of the query, the last word as a prefix (a word typed so far). It decodes no chunk
 *    but those of the page it then shows (data-state: busy while it works, ready when the result is on screen).
 * Cards are built with DOM APIs and textContent only (drilldown-cards.ts). Kept free of "</" so it cannot end its
 * script element.
 */
import { BASE85_PAGE_DECODER } from './base85.js';
import { DRILLDOWN_CARDS } from './drilldown-cards.js';
import { SEARCH_WORD_RE } from './drilldown-words.js';

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
  // Decoded chunks kept for going back and forth: 24,000 items, what 24 chunks of 1,000 held before chunks were 250.
  var CACHE_MAX = 96;
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
  var wordIndex = null;
  var WORD = /${SEARCH_WORD_RE.source}/gu;
  var page = 0, matches = [], gen = 0, renders = 0;
${DRILLDOWN_CARDS}
${BASE85_PAGE_DECODER}
  function ignore() {}
  /**
   * A block's bytes straight into the decompressor, not through a Blob: a Blob's bytes go to the browser process and
   * back (its own CPU, then IPC waits on a busy machine), which made a search's chunk decodes slower in wall time than
   * in CPU. A corrupt block fails the Response (read by the caller); the writer's own rejections are the same error.
   */
  function gunzip(text) {
    var ds = new DecompressionStream('gzip'), w = ds.writable.getWriter();
    w.write(bytesOf(text)).then(null, ignore);
    w.close().then(null, ignore);
    return new Response(ds.readable);
  }
  /**
   * Item i of a chunk's columns (drilldown-data.ts ChunkColumns) as the row the cards read. One row at a time, for the
   * items a page shows: a search's page holds one or two items of each of its chunks, and turning all 250 into rows
   * was a fifth of a rare word's CPU.
   */
  function rowOf(C, i) {
    var res = new Array(S);
    for (var j = 0; j < S; j++) {
      if (C.o[j][i] === null) { res[j] = null; continue; }
      var sc = new Array(D.m.length);
      for (var m = 0; m < D.m.length; m++) sc[m] = C.s[j][m][i];
      res[j] = [C.o[j][i], sc, C.l[j][i], C.f[j][i], C.ti[j][i], C.to[j][i], C.g[j][i], C.e[j][i], C.x[j][i], C.t[j][i]];
    }
    return [C.i[i], C.c[i], C.q[i], C.r[i], res];
  }
  /** The columns of chunk c; keep puts them in the small cache of chunks on screen. */
  function chunk(c, keep) {
    if (cache[c]) {
      cached.splice(cached.indexOf(c), 1);
      cached.push(c);
      return Promise.resolve(cache[c]);
    }
    if (!pending[c]) {
      pending[c] = gunzip(blocks[c].textContent).text().then(function (t) {
        delete pending[c];
        return JSON.parse(t);
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
  function varintReader(b) {
    var r = { at: 0 };
    r.next = function () {
      var v = 0, shift = 0, x;
      do { x = b[r.at++]; v += (x & 127) * Math.pow(2, shift); shift += 7; } while (x >= 128);
      return v;
    };
    return r;
  }
  /** The word index block (drilldown-words.ts): words in code-unit order, each word's postings from o[i] to o[i + 1]. */
  function parseWords(buf) {
    var b = new Uint8Array(buf), r = varintReader(b);
    var V = r.next(), L = r.next();
    var w = V ? new TextDecoder().decode(b.subarray(r.at, r.at + L)).split('\\n') : [];
    r.at += L;
    var o = new Uint32Array(V + 1);
    for (var i = 0; i < V; i++) o[i + 1] = o[i] + r.next();
    for (i = 0; i <= V; i++) o[i] += r.at;
    host.dataset.indexed = 'all';
    // When search became instant, for anyone profiling the page (bench/report-scale.bench.ts reads it).
    if (performance.mark) performance.mark('ftrag-search-ready');
    return { w: w, o: o, b: b };
  }
  function words() {
    if (!wordIndex) wordIndex = gunzip(document.getElementById('ftrag-words').textContent).arrayBuffer().then(parseWords);
    return wordIndex;
  }
  /** The first word index at or after w (code-unit order). */
  function lowerBound(W, w) {
    var lo = 0, hi = W.w.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (W.w[mid] < w) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  /** Items that held words 0..t-1 of the query (mark t) and hold word i get mark t + 1. */
  function markPostings(W, i, mark, t) {
    var b = W.b, at = W.o[i], end = W.o[i + 1], k = -1;
    while (at < end) {
      var v = 0, shift = 0, x;
      do { x = b[at++]; v |= (x & 127) << shift; shift += 7; } while (x >= 128);
      k += v;
      if (mark[k] === t) mark[k] = t + 1;
    }
  }
  /** Per item, whether it holds every word of the query (the last as a prefix); null when no item does. */
  function searchItems(W, text) {
    var lower = text.toLowerCase();
    var terms = lower.match(WORD) || [];
    // A query that is one whole id ("item-12") is that id alone, not the items holding "item" and a word "12…".
    var whole = terms.length > 1 && !/\\s/.test(lower) && W.w[lowerBound(W, lower)] === lower;
    if (whole) terms = [lower];
    if (!terms.length) return null;
    var T = Math.min(terms.length, 254), mark = new Uint8Array(N);
    for (var t = 0; t < T; t++) {
      var w = terms[t], lo = lowerBound(W, w), hi = lo;
      if (t === T - 1 && !whole) while (hi < W.w.length && W.w[hi].lastIndexOf(w, 0) === 0) hi++;
      else if (W.w[lo] === w) hi = lo + 1;
      if (lo === hi) return null;
      for (var i = lo; i < hi; i++) markPostings(W, i, mark, t);
    }
    for (var k = 0; k < N; k++) mark[k] = mark[k] === T ? 1 : 0;
    return mark;
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
    var text = (q.value || '').trim();
    var keep = predicate();
    page = 0;
    if (!text) {
      matches = [];
      for (var k = 0; k < N; k++) if (keep(k)) matches.push(k);
      sortMatches();
      return render(my);
    }
    setState('busy');
    status.textContent = 'Searching…';
    return words().then(function (W) {
      if (my !== gen) return;
      var hit = searchItems(W, text);
      matches = [];
      if (hit) for (var k = 0; k < N; k++) if (hit[k] && keep(k)) matches.push(k);
      sortMatches();
      return render(my);
    }, fail);
  }

  function render(my) {
    var pages = Math.max(1, Math.ceil(matches.length / PAGE));
    if (page >= pages) page = pages - 1;
    var start = page * PAGE;
    var end = Math.min(matches.length, start + PAGE);
    var wanted = [];
    for (var k = start; k < end; k++) {
      var c = Math.floor(matches[k] / K);
      if (wanted.indexOf(c) < 0) wanted.push(c);
    }
    setState('busy');
    return Promise.all(wanted.map(function (c) { return chunk(c, true); })).then(function (loaded) {
      if (my !== gen) return;
      var onlySys = sys.value === '' ? -1 : Number(sys.value);
      var frag = document.createDocumentFragment();
      for (var k = start; k < end; k++) {
        var c = Math.floor(matches[k] / K);
        frag.appendChild(card(rowOf(loaded[wanted.indexOf(c)], matches[k] - c * K), onlySys));
      }
      while (host.firstChild) host.removeChild(host.firstChild);
      host.appendChild(frag);
      status.textContent = matches.length === 0
          ? 'No questions match these filters.'
          : 'Showing ' + (start + 1) + '–' + end + ' of ' + matches.length + ' matching questions (' + N + ' in total).';
      pageLabel.textContent = 'Page ' + (page + 1) + ' of ' + pages;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      host.dataset.renders = String(++renders);
      setState('ready');
    }, fail);
  }
  function fail(err) {
    status.textContent = 'The answers could not be shown in this browser (' + err + '). Every answer is in run.json.';
    setState('ready');
  }
  var timer = null;
  q.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(filter, 120); });
  cat.addEventListener('change', filter);
  sys.addEventListener('change', filter);
  show.addEventListener('change', filter);
  order.addEventListener('change', filter);
  wrong.addEventListener('change', filter);
  document.getElementById('drill-controls').addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); filter(); });
  prev.addEventListener('click', function () { if (page > 0) { page--; render(gen).then(function () { host.scrollIntoView(); }); } });
  next.addEventListener('click', function () { page++; render(gen).then(function () { host.scrollIntoView(); }); });

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
    // The word index is decoded once the first page is up, so a search right after load finds it ready.
    setTimeout(function () { words().then(null, function () {}); }, 0);
  }, fail);
})();
`;
