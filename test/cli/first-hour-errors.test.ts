import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixHint } from '../../src/cli/hints.js';
import { runCli, tempDir } from '../e2e/cli.js';
import { writeNewUserFiles } from '../init/fixtures.js';

/** No credentials anywhere: no profile, no keys, no shared files the SDK could find. */
function noCredentials(dir: string): Record<string, string> {
  return {
    AWS_PROFILE: '',
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_SESSION_TOKEN: '',
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none-credentials'),
    AWS_CONFIG_FILE: join(dir, 'none-config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
    AWS_WEB_IDENTITY_TOKEN_FILE: '',
  };
}

describe('first-hour errors say how to fix them', () => {
  it('ftrag score --metrics semantic without an endpoint or credentials suggests the emulator, --endpoint-url and AWS_PROFILE (exit 2)', async () => {
    const dir = tempDir('ftrag-hint-');
    const files = writeNewUserFiles(dir);
    writeFileSync(join(dir, 'answers.jsonl'), `${JSON.stringify({ id: 'stop-1', output: 'Harbour Quay' })}\n`);
    const r = await runCli(['score', '--eval-set', files.evalSet, '--predictions', 'answers.jsonl', '--metrics', 'semantic'], { cwd: dir, env: noCredentials(dir) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AWS_PROFILE/);
    expect(r.stderr).toMatch(/--endpoint-url http:\/\/127\.0\.0\.1:4566/);
    expect(r.stderr).toMatch(/ftrag emulator/);
  });

  it('maps the SDK\'s credential and connection failures to a fix', () => {
    const creds = fixHint(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    expect(creds?.exitCode).toBe(2);
    expect(creds?.hint).toMatch(/AWS_PROFILE.*emulator.*--endpoint-url/);
    const refused = fixHint(new Error('failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:4566') }));
    expect(refused?.hint).toMatch(/nothing is listening at 127\.0\.0\.1:4566/);
    expect(fixHint(new Error('ValidationException: bad model id'))).toBeUndefined();
  });

  it('ftrag data validate on an eval set prints one line per kind of problem and says what the file looks like', async () => {
    const dir = tempDir('ftrag-hint-');
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `Which berth does vessel ${i} use?`, reference: `Berth ${i % 7}` }));
    writeFileSync(join(dir, 'held-out.jsonl'), `${rows.join('\n')}\n`);
    const r = await runCli(['data', 'validate', 'held-out.jsonl', '--model', 'amazon.nova-micro-v1:0'], { cwd: dir });
    expect(r.code).toBe(2);
    const problemLines = r.stdout.split('\n').filter((l) => /^(ERROR|WARNING) /.test(l));
    expect(problemLines.length).toBeLessThanOrEqual(4);
    expect(r.stdout).toMatch(/ERROR +held-out\.jsonl, field "messages": missing required field "messages" +— on 40 lines \(1, 2, 3, 4, 5, …\)/);
    expect(r.stdout).toMatch(/hint: this file looks like an ftrag eval set .*ftrag data convert held-out\.jsonl --model amazon\.nova-micro-v1:0/);
    expect(r.stdout).toMatch(/FAIL: 40 error\(s\)/);
  });
});
