/**
 * How to fix the errors a new user meets first: no credentials, and an endpoint nothing listens on. The SDK's own
 * messages ("Could not load credentials from any providers", "connect ECONNREFUSED") say what failed, not what to do.
 */
const CREDENTIALS = /Could not load credentials from any providers|CredentialsProviderError|Unable to locate credentials|The security token included in the request is (invalid|expired)|ExpiredToken/i;
const REFUSED = /ECONNREFUSED\s*([0-9.:[\]a-f]+)?/i;

function chain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { name?: string; message?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    parts.push(`${e.name ?? ''} ${e.message ?? ''}`);
  }
  return parts.join(' | ');
}

/** A hint for the error, or undefined when it is not one of the known first-hour failures. */
export function fixHint(err: unknown): { hint: string; exitCode?: number } | undefined {
  // Input errors already say what to change (checkAwsCredentials names the fix itself).
  if ((err as { exitCode?: unknown } | undefined)?.exitCode === 2) return undefined;
  const text = chain(err);
  if (CREDENTIALS.test(text)) {
    return {
      exitCode: 2,
      hint:
        'no usable AWS credentials. For Amazon Bedrock: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), or run `aws sso login`. ' +
        'To work locally instead: `endpoint: emulator` in the config, or start `npx ftrag emulator --port 4566` and pass --endpoint-url http://127.0.0.1:4566.',
    };
  }
  const refused = REFUSED.exec(text);
  if (refused) {
    const where = refused[1] ? ` at ${refused[1]}` : '';
    return {
      hint: `nothing is listening${where}. Start the emulator there (\`npx ftrag emulator --port <port>\`), or fix the endpoint (endpointUrl in the config, --endpoint-url, AWS_ENDPOINT_URL_*), or remove it to use the embedded emulator.`,
    };
  }
  return undefined;
}
