import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';

/** Sends raw bytes in separate TCP writes and returns the raw response. */
function rawExchange(port: number, chunks: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let out = '';
    socket.on('data', (d) => {
      out += d.toString('utf8');
      if (out.includes('\r\n\r\n') && /"knowledgeBaseSummaries"|"message"/.test(out)) socket.end();
    });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    let i = 0;
    const next = (): void => {
      if (i >= chunks.length) return;
      socket.write(chunks[i++]);
      setTimeout(next, 30);
    };
    socket.on('connect', next);
  });
}

describe('protocol sniffing', () => {
  it('routes an HTTP/1.1 request whose first TCP segment looks like the start of the HTTP/2 preface', async () => {
    const h = await startHarness();
    try {
      const body = '{}';
      const res = await rawExchange(h.emu.port, ['P', 'OST /knowledgebases/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n', `Content-Length: ${body.length}\r\n\r\n${body}`]);
      expect(res.startsWith('HTTP/1.1 200')).toBe(true);
      expect(res).toContain('"knowledgeBaseSummaries":[]');
      const unknown = await rawExchange(h.emu.port, ['GET /no/such/thing HTTP/1.1\r\nHost: x\r\n\r\n']);
      expect(unknown.startsWith('HTTP/1.1 404')).toBe(true);
      expect(unknown.toLowerCase()).toContain('x-amzn-errortype: unknownoperationexception');
    } finally {
      await h.stop();
    }
  });
});
