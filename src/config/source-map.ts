/**
 * Maps a config path such as `systems.1.modelId` back to the line it came from, using the YAML document's node
 * ranges. JSON configs are parsed by the same YAML parser (JSON is YAML 1.2) purely to get those lines.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export interface ConfigSource {
  doc?: Document.Parsed;
  lines?: LineCounter;
}

export function parseWithLines(text: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  return { doc, lines };
}

/**
 * Line of the deepest node along `path` that exists: the key's own line for a map entry, the item's line for a
 * sequence entry. A missing field thus reports the line of the object that should have held it.
 */
export function lineOfPath(src: ConfigSource, path: ReadonlyArray<PropertyKey>): number | undefined {
  if (!src.doc || !src.lines) return undefined;
  let node: unknown = src.doc.contents;
  let offset: number | undefined = (node as { range?: [number, number, number] } | null)?.range?.[0];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] }).range;
      if (keyRange) offset = keyRange[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : src.lines.linePos(offset).line;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/**
 * Line of a JSON syntax error. Node 20's JSON.parse messages often omit the position, so fall back to the YAML
 * parser, which reads JSON and reports lines; undefined when neither can tell.
 */
export function jsonErrorLine(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec((err as Error).message);
  if (m) return text.slice(0, Number(m[1])).split('\n').length;
  const { doc } = parseWithLines(text);
  return doc.errors[0]?.linePos?.[0]?.line;
}
