import { describe, expect, it } from 'vitest';
import { createAwsClients, isAwsHost, resolveEndpoints } from '../../src/targets/clients.js';

describe('resolved endpoints', () => {
  it('read AWS_ENDPOINT_URL_<ID> over AWS_ENDPOINT_URL, unless ignored, and mark non-AWS hosts', () => {
    const env = { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'https://bedrock.example.com' };
    const r = resolveEndpoints(undefined, env);
    expect(r.runtime).toEqual({ url: 'http://127.0.0.1:4566', source: 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', nonAws: true });
    expect(r.bedrock).toEqual({ url: 'https://bedrock.example.com', source: 'AWS_ENDPOINT_URL', nonAws: true });
    expect(resolveEndpoints(undefined, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }).runtime.source).toBe('default');
    expect(resolveEndpoints('http://x:1', env).s3).toMatchObject({ url: 'http://x:1', source: 'config' });
    expect(isAwsHost('https://bedrock-runtime.us-east-1.amazonaws.com')).toBe(true);
    expect(isAwsHost('https://vpce-1.bedrock-runtime.us-east-1.vpce.amazonaws.com')).toBe(true);
    expect(isAwsHost('http://127.0.0.1:4566')).toBe(false);
  });

  it('the cache key of a run whose endpoint variables point elsewhere is not the AWS key', () => {
    const aws = createAwsClients({ region: 'us-east-1', env: {} });
    const elsewhere = createAwsClients({ region: 'us-east-1', env: { AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://127.0.0.1:4566' } });
    const all = createAwsClients({ region: 'us-east-1', env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566/' } });
    try {
      expect(aws.endpointKey).toBe('aws:us-east-1');
      expect(elsewhere.endpointKey).not.toBe(aws.endpointKey);
      expect(elsewhere.endpointKey).toContain('runtime=http://127.0.0.1:4566');
      expect(all.endpointKey).toBe('url:http://127.0.0.1:4566|us-east-1');
    } finally {
      for (const c of [aws, elsewhere, all]) c.destroy();
    }
  });
});
