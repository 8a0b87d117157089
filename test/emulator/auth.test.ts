import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentClient, ListKnowledgeBasesCommand } from '@aws-sdk/client-bedrock-agent';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startHarness, userMessage } from './helpers.js';
import type { Harness } from './helpers.js';

const MICRO = 'amazon.nova-micro-v1:0';

function raw(port: number, path: string, headers: Record<string, string>, body = '{}'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['x-amzn-errortype'] ?? ''), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('SigV4 by default: a well-formed signature is required, any key pair works', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  it('refuses an unsigned request with MissingAuthenticationTokenException (403)', async () => {
    const r = await raw(h.emu.port, '/knowledgebases/', {});
    expect(r.status).toBe(403);
    expect(r.type).toBe('MissingAuthenticationTokenException');
    expect(JSON.parse(r.body).message).toBe('Missing Authentication Token');
  });

  it('refuses a malformed Authorization header with IncompleteSignatureException', async () => {
    const r = await raw(h.emu.port, '/knowledgebases/', { authorization: 'AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/bedrock/aws4_request' });
    expect(r.status).toBe(403);
    expect(r.type).toBe('IncompleteSignatureException');
    expect(JSON.parse(r.body).message).toContain("Authorization header requires 'Signature' parameter.");
  });

  it('refuses a signature scoped to another region or service', async () => {
    const other = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const err = await other.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    other.destroy();
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.$metadata.httpStatusCode).toBe(403);
    expect(err.message).toContain('Credential should be scoped to a valid region.');
  });

  it('refuses an empty access key with UnrecognizedClientException', async () => {
    const empty = new BedrockAgentClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: 'x' } });
    const err = await empty.send(new ListKnowledgeBasesCommand({})).catch((e) => e);
    empty.destroy();
    expect(err.name).toBe('UnrecognizedClientException');
    expect(err.message).toBe('The security token included in the request is invalid.');
  });

  it('accepts the SDK with any dummy key pair', async () => {
    const r = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') }));
    expect(r.output?.message?.role).toBe('assistant');
  });
});

describe('SigV4 with --credentials: signatures are recomputed', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ credentials: 'test-key:test-secret' });
  });
  afterAll(async () => h.stop());

  it('accepts requests signed with the configured key pair (HTTP/2, HTTP/1.1 and S3)', async () => {
    const r = await h.clients.runtime.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('Context: The depot opens at nine. Question: When does the depot open?') }));
    expect(r.output?.message?.content?.[0]?.text).toBeTruthy();
    const kbs = await h.clients.agent.send(new ListKnowledgeBasesCommand({}));
    expect(kbs.knowledgeBaseSummaries).toEqual([]);
    const err = await h.clients.s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'a.txt' })).catch((e) => e);
    expect(err.name).toBe('NoSuchBucket');
  });

  it('refuses a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException', async () => {
    const wrong = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'test-key', secretAccessKey: 'not-it' } });
    const e1 = await wrong.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    wrong.destroy();
    expect(e1.name).toBe('InvalidSignatureException');
    expect(e1.message).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    const unknown = new BedrockRuntimeClient({ endpoint: h.emu.url, region: 'us-east-1', credentials: { accessKeyId: 'other-key', secretAccessKey: 'test-secret' } });
    const e2 = await unknown.send(new ConverseCommand({ modelId: MICRO, messages: userMessage('hi') })).catch((e) => e);
    unknown.destroy();
    expect(e2.name).toBe('UnrecognizedClientException');
  });

  it('refuses a wrong secret on S3 with SignatureDoesNotMatch', async () => {
    const s3 = new S3Client({ endpoint: h.emu.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test-key', secretAccessKey: 'nope' } });
    const err = await s3.send(new GetObjectCommand({ Bucket: 'nobucket', Key: 'a.txt' })).catch((e) => e);
    s3.destroy();
    expect(err.name).toBe('SignatureDoesNotMatch');
    expect(err.$metadata.httpStatusCode).toBe(403);
  });
});
