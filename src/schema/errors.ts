/**
 * Errors that carry the CLI exit code they map to. Modules throw these; only `src/cli` turns them into exit codes.
 * Exit codes: 0 ok · 1 gate failed · 2 bad input or usage · 3 service failure.
 */

export interface InputLocation {
  /** File the bad input came from. */
  file?: string;
  /** 1-based line (JSONL/CSV/YAML) where the problem is, when known. */
  line?: number;
  /** Field or JSON path that is wrong, e.g. `systems[1].modelId`. */
  field?: string;
}

/** Bad user input (files, flags, config). Exit code 2. The message names file, line and field. */
export class InputError extends Error {
  readonly exitCode = 2 as const;
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(formatLocated(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

/** A remote service (Bedrock, S3, the emulator) failed in a way the run cannot continue from. Exit code 3. */
export class ServiceError extends Error {
  readonly exitCode = 3 as const;
  readonly code: string;
  constructor(message: string, code = 'ServiceFailure', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceError';
    this.code = code;
  }
}

export function formatLocated(message: string, loc: InputLocation): string {
  const where = [loc.file, loc.line !== undefined ? `line ${loc.line}` : undefined, loc.field ? `field "${loc.field}"` : undefined]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${message}` : message;
}

export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err && typeof (err as { exitCode: unknown }).exitCode === 'number') {
    return (err as { exitCode: number }).exitCode;
  }
  return 3;
}
