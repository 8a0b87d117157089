/**
 * One TCP port, two protocols. The runtime and agent-runtime SDK clients speak HTTP/2 with prior knowledge (h2c);
 * bedrock, bedrock-agent and S3 speak HTTP/1.1. Each accepted socket is sniffed for the HTTP/2 preface and handed to
 * the matching Node server. S3 is recognised by the SigV4 credential scope (`/s3/aws4_request`), because its
 * path-style URLs overlap Bedrock's. Signatures are never verified: any credentials work.
 */
import { createServer as createHttp1Server } from 'node:http';
import type { Server as Http1Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { Http2Server, Http2Session } from 'node:http2';
import { createServer as createTcpServer } from 'node:net';
import type { Server as TcpServer, Socket } from 'node:net';
import { InputError } from '../util/errors.js';
import type { EmulatorContext } from './context.js';
import { drawFault } from './faults.js';
import type { AnyRequest, AnyResponse } from './http-util.js';
import { ApiError, sendApiError, sleep } from './http-util.js';
import type { Route } from './routing.js';
import { matchRoute } from './routing.js';
import { DroppedConnection, preResponseFault } from './runtime.js';
import { handleS3, sendS3Error } from './s3-routes.js';
import { S3Error } from './s3-store.js';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function listen(ctx: EmulatorContext, routes: Route[], port: number): Promise<RunningServer> {
  const handler = (req: AnyRequest, res: AnyResponse): void => {
    void dispatch(ctx, routes, req, res);
  };
  const h1: Http1Server = createHttp1Server({ keepAliveTimeout: 5000 }, handler);
  const h2: Http2Server = createHttp2Server({}, handler);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  h2.on('session', (s: Http2Session) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  h1.on('clientError', (_err, socket) => socket.destroy());

  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Read until the bytes seen either differ from the HTTP/2 preface or contain all of it, then hand the socket over
    // with those bytes pushed back into its buffer.
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isPrefix = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isPrefix && seen.length < H2_PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(seen);
      // HTTP/2 reads the unshifted bytes itself on the next tick (they must stay buffered); HTTP/1.1 needs the flow restarted.
      if (isPrefix) h2.emit('connection', socket);
      else {
        h1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new InputError(`cannot listen on 127.0.0.1:${port} (${err.code})`, { field: '--port' }) : err),
    );
    tcp.listen(port, '127.0.0.1', () => resolve());
  });
  const address = tcp.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: actualPort,
    close: async () => {
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      h1.closeAllConnections();
      await closed;
    },
  };
}

function isS3Request(req: AnyRequest): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.includes('/s3/aws4_request')) return true;
  // Presigned URLs carry the scope in the query string instead.
  return typeof req.url === 'string' && /X-Amz-Credential=[^&]*%2Fs3%2Faws4_request/i.test(req.url);
}

async function dispatch(ctx: EmulatorContext, routes: Route[], req: AnyRequest, res: AnyResponse): Promise<void> {
  const seq = ctx.nextRequestSeq();
  const requestId = `emu-${ctx.seed}-${seq}`;
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const rawPath = rawUrl.split('?')[0];
  const url = new URL(rawUrl.startsWith('/') ? rawUrl : `/${rawUrl}`, 'http://127.0.0.1');
  res.on('error', () => undefined);
  if (isS3Request(req)) {
    try {
      await handleS3(ctx.s3, req, res, url, rawPath);
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error(500, 'InternalError', (err as Error).message);
      if (!res.headersSent) sendS3Error(res, method, e, requestId);
      else res.destroy();
    }
    return;
  }
  let service: Route['service'] = 'control';
  try {
    const match = matchRoute(routes, method, rawPath);
    if (!match) throw new ApiError(404, 'UnknownOperationException', `The emulator does not serve ${method} ${rawPath}.`);
    service = match.route.service;
    const fault = match.route.dataPlane ? drawFault(ctx.faults, ctx.seed, seq) : { kind: 'none' as const, slowMs: 0 };
    const args = { ctx, req, res, params: match.params, url, requestId, seq, fault };
    if (fault.slowMs > 0) await sleep(fault.slowMs);
    if (!match.route.selfFaulting) preResponseFault(args, match.route.service === 'agent-runtime' ? 'agent-runtime' : 'runtime');
    await match.route.handle(args);
  } catch (err) {
    if (err instanceof DroppedConnection) return;
    const e = err instanceof ApiError ? err : new ApiError(500, 'InternalServerException', `Internal error in the emulator: ${(err as Error).message}`);
    if (e.status >= 500 && !(err instanceof ApiError)) ctx.log(`error ${method} ${rawPath} (${service}): ${(err as Error).stack}`);
    if (!res.headersSent) sendApiError(res, e, requestId);
    else res.destroy();
  }
}
