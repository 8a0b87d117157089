import { afterEach, describe, expect, it } from 'vitest';
import { checkAwsCredentials } from '../../src/targets/index.js';
import { InputError } from '../../src/util/errors.js';

const KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_WEB_IDENTITY_TOKEN_FILE'];
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function isolate() {
  for (const k of KEYS) delete process.env[k];
  process.env.AWS_CONFIG_FILE = '/nonexistent/ftrag-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/ftrag-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

describe('checkAwsCredentials', () => {
  it('fails with exit-2 InputError and guidance when the default chain has nothing', async () => {
    isolate();
    const err = await checkAwsCredentials('us-east-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/no AWS credentials found: set AWS_PROFILE/);
  });

  it('passes with credentials in the environment and never echoes them', async () => {
    isolate();
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFTRAGTESTONLY0001';
    process.env.AWS_SECRET_ACCESS_KEY = 'not-a-real-secret-value';
    await expect(checkAwsCredentials('us-east-1')).resolves.toBeUndefined();
  });
});
