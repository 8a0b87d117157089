import { afterEach, describe, expect, it, vi } from 'vitest';
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
    const { result, output } = await captureOutput(() => checkAwsCredentials('us-east-1'));
    expect(result).toEqual({ ok: true, value: undefined });
    expect(output).not.toContain('AKIAFTRAGTESTONLY0001');
    expect(output).not.toContain('not-a-real-secret-value');
  });

  it('names no credential in its error or its output when the chain has only part of one', async () => {
    isolate();
    // A key id without its secret: the environment provider refuses it and the chain finds nothing else.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFTRAGTESTONLY0002';
    process.env.AWS_SESSION_TOKEN = 'session-token-that-must-not-leak';
    const { result, output } = await captureOutput(() => checkAwsCredentials('us-east-1'));
    expect(result.ok).toBe(false);
    const err = (result as { error: unknown }).error;
    expect(err).toBeInstanceOf(InputError);
    const shown = `${(err as Error).message}\n${(err as Error).stack}\n${JSON.stringify(err)}\n${output}`;
    for (const secret of ['AKIAFTRAGTESTONLY0002', 'session-token-that-must-not-leak']) expect(shown).not.toContain(secret);
  });
});

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` with everything written to stdout, stderr and the console captured instead of printed. */
async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: Outcome<T>; output: string }> {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => void chunks.push(args.map(String).join(' '));
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => (record(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => (record(chunk), true)),
    ...(['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m).mockImplementation(record)),
  ];
  try {
    const value = await fn();
    return { result: { ok: true, value }, output: chunks.join('\n') };
  } catch (error) {
    return { result: { ok: false, error }, output: chunks.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}
