/**
 * Seeded randomness for the emulator. Every draw is a pure function of (seed, label, counter) so that a run with the
 * same seed and the same request order sees the same faults, jitter and ids.
 */
import { createHash } from 'node:crypto';

/** A uniform draw in [0, 1) from a hash of the parts. */
export function hashUniform(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A lower-case alphanumeric id of the given length, derived from the parts (Bedrock ids look like `a1b2c3d4e5f6`). */
export function hashId(length: number, ...parts: (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[digest[i % digest.length] % ALNUM.length];
  return out;
}

/** Upper-case alphanumeric id (Knowledge Base and data source ids are 10 upper-case characters). */
export function hashUpperId(length: number, ...parts: (string | number)[]): string {
  return hashId(length, ...parts).toUpperCase();
}
