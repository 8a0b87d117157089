/**
 * Request/response plumbing shared by every route. HTTP/1.1 and HTTP/2 (compat API) requests look the same here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

/** An error the client should see with a restJson1 error shape: `x-amzn-ErrorType` header and `{message}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const validation = (message: string): ApiError => new ApiError(400, 'ValidationException', message);
export const notFound = (message: string): ApiError => new ApiError(404, 'ResourceNotFoundException', message);
/** Control-plane ConflictException is HTTP 400 (client-bedrock's error schema and reference/bedrock.md §3); only the Agent APIs use 409. */
export const conflict = (message: string): ApiError => new ApiError(400, 'ConflictException', message);
/** Control-plane ServiceQuotaExceededException: HTTP 400, a client error the SDK does not retry (reference/bedrock.md §3). */
export const quotaExceeded = (message: string): ApiError => new ApiError(400, 'ServiceQuotaExceededException', message);

/** Request body size cap: bigger bodies are refused before they are buffered. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A body over MAX_BODY_BYTES; each service turns it into its own error (S3: 400 EntityTooLarge). */
export class BodyTooLarge extends Error {
  constructor() {
    super('Request body too large.');
  }
}

const bodies = new WeakMap<AnyRequest, Promise<Buffer>>();

/** The request body, read once: the server reads it to check the signature, handlers read the same buffer. */
export function readBody(req: AnyRequest): Promise<Buffer> {
  let p = bodies.get(req);
  if (!p) {
    p = readAll(req);
    bodies.set(req, p);
  }
  return p;
}

async function readAll(req: AnyRequest): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON object body; anything else is a ValidationException. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw validation('Malformed input request: the body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw validation('Malformed input request: expected a JSON object.');
  return value as Record<string, unknown>;
}

export function sendJson(res: AnyResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  (res as ServerResponse).writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendApiError(res: AnyResponse, err: ApiError, requestId: string): void {
  sendJson(res, err.status, { message: err.message }, { 'x-amzn-errortype': err.code, 'x-amzn-requestid': requestId });
}

/** Destroys the connection (HTTP/1.1) or resets the stream (HTTP/2) without a response: a "dropped connection" fault. */
export function dropConnection(req: AnyRequest): void {
  const stream = (req as Http2ServerRequest).stream;
  if (stream) stream.close(2 /* NGHTTP2_INTERNAL_ERROR */);
  else req.socket.destroy();
}

export const sleep = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

export function nowIso(): string {
  return new Date().toISOString();
}

// ---- small validators: each names the field it rejects ----

export function reqString(obj: Record<string, unknown>, field: string, label = field): string {
  const v = obj[field];
  if (typeof v !== 'string' || v.length === 0) throw validation(`1 validation error detected: Value at '${label}' failed to satisfy constraint: Member must not be null and must be a non-empty string`);
  return v;
}

export function optString(obj: Record<string, unknown>, field: string, label = field): string | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`1 validation error detected: Value at '${label}' failed to satisfy constraint: Member must be a string`);
  return v;
}

export function optObject(obj: Record<string, unknown>, field: string, label = field): Record<string, unknown> | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`1 validation error detected: Value at '${label}' failed to satisfy constraint: Member must be an object`);
  return v as Record<string, unknown>;
}

export function reqObject(obj: Record<string, unknown>, field: string, label = field): Record<string, unknown> {
  const v = optObject(obj, field, label);
  if (!v) throw validation(`1 validation error detected: Value at '${label}' failed to satisfy constraint: Member must not be null`);
  return v;
}

export function optNumber(obj: Record<string, unknown>, field: string, min: number, max: number, label = field): number | undefined {
  const v = obj[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw validation(`1 validation error detected: Value '${String(v)}' at '${label}' failed to satisfy constraint: Member must be a number between ${min} and ${max}`);
  }
  return v;
}
