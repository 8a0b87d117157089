/**
 * Reads the drill-down data back out of a report.html the way the page's script does (base85, gzip, JSON), so tests
 * can check what the page carries without a browser.
 */
import { gunzipSync } from 'node:zlib';
import { decodeBase85 } from '../../src/report/base85.js';
import type { ChunkColumns } from '../../src/report/drilldown-data.js';
import { readWordIndex } from '../../src/report/drilldown-words.js';
import type { CompactItem, CompactResult, DrilldownHeader } from '../../src/report/drilldown.js';

export interface DrillData {
  header: DrilldownHeader;
  items: CompactItem[];
  passages: { x: string[]; u: string[] };
  index: Buffer;
  /** The word index: each word with the items (positions) that hold it. */
  words: Map<string, number[]>;
  /** The raw text of every data block, as it sits in the page. */
  blocks: string[];
}

const gunzip85 = (text: string) => gunzipSync(decodeBase85(text.trim()));

/** The items of one chunk block, turned from columns into rows as the page does. */
export function decodeChunk(text: string): CompactItem[] {
  const c = JSON.parse(gunzip85(text).toString('utf8')) as ChunkColumns;
  return c.i.map((id, i) => [
    id,
    c.c[i],
    c.q[i],
    c.r[i],
    c.o.map((o, j): CompactResult | null => (o[i] === null ? null : [o[i]!, c.s[j].map((m) => m[i]), c.l[j][i], c.f[j][i], c.ti[j][i], c.to[j][i], c.g[j][i], c.e[j][i], c.x[j][i], c.t[j][i]])),
  ]);
}

export function readDrillData(page: string): DrillData {
  const header = /<script type="application\/json" id="ftrag-drill">([\s\S]*?)<\/script>/.exec(page);
  const index = /<script type="application\/octet-stream" id="ftrag-index">([\s\S]*?)<\/script>/.exec(page);
  const passages = /<script type="application\/octet-stream" id="ftrag-passages">([\s\S]*?)<\/script>/.exec(page);
  const words = /<script type="application\/octet-stream" id="ftrag-words">([\s\S]*?)<\/script>/.exec(page);
  if (!header || !index || !passages || !words) throw new Error('no drill-down data blocks');
  const chunks = [...page.matchAll(/<script type="application\/octet-stream" class="ftrag-chunk">([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  return {
    header: JSON.parse(header[1]) as DrilldownHeader,
    items: chunks.flatMap(decodeChunk),
    passages: JSON.parse(gunzip85(passages[1]).toString('utf8')) as { x: string[]; u: string[] },
    index: gunzip85(index[1]),
    words: readWordIndex(gunzip85(words[1])),
    blocks: [header[1], index[1], words[1], passages[1], ...chunks],
  };
}
