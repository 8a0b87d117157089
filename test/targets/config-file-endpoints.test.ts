import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, nonAwsEndpoints, resolveConfigFileEndpoints } from '../../src/targets/clients.js';

const VARS = ['AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));

/** A shared config file of its own per case (the SDK caches files by path), selected through AWS_PROFILE. */
function useConfigFile(text: string): void {
  const file = join(mkdtempSync(join(tmpdir(), 'ftrag-awscfg-')), 'config');
  writeFileSync(file, text);
  for (const v of VARS) delete process.env[v];
  process.env.AWS_CONFIG_FILE = file;
  process.env.AWS_PROFILE = 'ftragtest';
}

afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

const SERVICES = `[profile ftragtest]
region = us-east-1
services = local-bedrock

[services local-bedrock]
bedrock_runtime =
  endpoint_url = http://127.0.0.1:4599
`;

describe('endpoints from the shared AWS config file', () => {
  it('a services section pointing bedrock-runtime elsewhere is recorded, marked non-AWS and cached apart from AWS', async () => {
    useConfigFile(SERVICES);
    const clients = await resolveConfigFileEndpoints(createAwsClients({ region: 'us-east-1', env: {} }));
    try {
      expect(clients.endpoints.runtime).toMatchObject({ url: 'http://127.0.0.1:4599', nonAws: true });
      expect(clients.endpoints.runtime.source).toMatch(/shared config file/);
      expect(clients.endpoints.bedrock.url).toBe('default');
      expect(clients.endpointKey).not.toBe('aws:us-east-1');
      expect(nonAwsEndpoints(clients).map((n) => n.client)).toEqual(['runtime']);
    } finally {
      clients.destroy();
    }
  });

  it("a profile's endpoint_url applies to every client; ignore_configured_endpoint_urls switches it off", async () => {
    useConfigFile('[profile ftragtest]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:4600\n');
    const all = await resolveConfigFileEndpoints(createAwsClients({ region: 'us-east-1', env: {} }));
    try {
      // Seven clients: the four Bedrock ones, S3, and SageMaker's control plane and runtime.
      expect(Object.values(all.endpoints).map((e) => e.url)).toEqual(Array(7).fill('http://127.0.0.1:4600'));
      expect(all.endpointKey).toBe('url:http://127.0.0.1:4600|us-east-1');
    } finally {
      all.destroy();
    }
    useConfigFile('[profile ftragtest]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:4600\nignore_configured_endpoint_urls = true\n');
    const ignored = await resolveConfigFileEndpoints(createAwsClients({ region: 'us-east-1', env: {} }));
    try {
      expect(ignored.endpointKey).toBe('aws:us-east-1');
    } finally {
      ignored.destroy();
    }
  });

  it('with no config file entry the key stays aws:<region>', async () => {
    useConfigFile('[profile ftragtest]\nregion = us-east-1\n');
    const clients = await resolveConfigFileEndpoints(createAwsClients({ region: 'us-east-1', env: {} }));
    try {
      expect(clients.endpointKey).toBe('aws:us-east-1');
      expect(nonAwsEndpoints(clients)).toEqual([]);
    } finally {
      clients.destroy();
    }
  });
});
