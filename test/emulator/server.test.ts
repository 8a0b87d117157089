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

/** A well-formed SigV4 header (the emulator checks its form unless it was started with credentials). */
const SIGNED = `Authorization: AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}\r\nX-Amz-Date: 20260101T000000Z\r\n`;

describe('protocol sniffing', () => {
  it('routes an HTTP/1.1 request whose first TCP segment looks like the start of the HTTP/2 preface', async () => {
    const h = await startHarness();
    try {
      const body = '{}';
      const res = await rawExchange(h.emu.port, ['P', `OST /knowledgebases/ HTTP/1.1\r\nHost: x\r\n${SIGNED}Content-Type: application/json\r\n`, `Content-Length: ${body.length}\r\n\r\n${body}`]);
      expect(res.startsWith('HTTP/1.1 200')).toBe(true);
      expect(res).toContain('"knowledgeBaseSummaries":[]');
      const unknown = await rawExchange(h.emu.port, [`GET /no/such/thing HTTP/1.1\r\nHost: x\r\n${SIGNED}\r\n`]);
      expect(unknown.startsWith('HTTP/1.1 404')).toBe(true);
      expect(unknown.toLowerCase()).toContain('x-amzn-errortype: unknownoperationexception');
    } finally {
      await h.stop();
    }
  });
});

/** Resolves when the server closes the socket after the given bytes (the test's own timeout is the failure). */
function closedAfter(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.on('connect', () => {
      if (bytes) socket.write(bytes);
    });
  });
}

describe('idle connections are closed', () => {
  it('closes a silent socket, a half-sent HTTP/2 preface and an HTTP/2 session that never sends a request', async () => {
    const h = await startHarness({ idleTimeoutMs: 200 });
    try {
      await closedAfter(h.emu.port, '');
      await closedAfter(h.emu.port, 'PRI * HTTP/2');
      // A full preface and an empty SETTINGS frame, then nothing: the server's own SETTINGS come back, then it hangs up.
      const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]).toString('latin1');
      const out = await closedAfter(h.emu.port, `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n${settings}`);
      expect(out.length).toBeGreaterThan(0);
    } finally {
      await h.stop();
    }
  }, 20_000);
});
