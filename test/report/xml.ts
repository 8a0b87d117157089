/**
 * A minimal strict XML reader for tests: enough to prove junit.xml is well-formed (balanced tags, quoted
 * attributes, only the five predefined or numeric entities, one root) and to walk it back as a tree.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, where: number): string {
  return s.replace(/&([^;]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new Error(`bare & at ${where}`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    if (!(name in ENTITIES)) throw new Error(`unknown entity &${name}; at ${where}`);
    return ENTITIES[name];
  });
}

export function parseXml(xml: string): XmlNode {
  let i = 0;
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes('>')) throw new Error(`stray > at ${i}`);
    if (stack.length) stack[stack.length - 1].text += decode(text, i);
    else if (text.trim()) throw new Error(`text outside root at ${i}`);
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim()) throw new Error(`mismatched </${tag.slice(1)}> at ${lt}`);
      continue;
    }
    if (tag.includes('<')) throw new Error(`< inside tag at ${lt}`);
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const nameMatch = /^([A-Za-z_][\w.-]*)/.exec(body);
    if (!nameMatch) throw new Error(`bad tag name at ${lt}`);
    const attrs: Record<string, string> = {};
    let rest = body.slice(nameMatch[1].length);
    const attrRe = /^\s+([A-Za-z_][\w.-]*)="([^"<]*)"/;
    for (let m = attrRe.exec(rest); m; m = attrRe.exec(rest)) {
      if (m[1] in attrs) throw new Error(`duplicate attribute ${m[1]} at ${lt}`);
      attrs[m[1]] = decode(m[2], lt);
      rest = rest.slice(m[0].length);
    }
    if (rest.trim()) throw new Error(`malformed attributes "${rest}" at ${lt}`);
    const node: XmlNode = { name: nameMatch[1], attrs, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(node);
    else if (root) throw new Error('two root elements');
    else root = node;
    if (!selfClosing) stack.push(node);
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}
