/**
 * Token counting with a real BPE tokenizer (cl100k_base, via gpt-tokenizer). Bedrock models each have their own
 * tokenizer; cl100k is a documented stand-in used for the emulator's counts and for labelled estimates.
 */
import { countTokens as countCl100k, encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';

export const TOKENIZER_NAME = 'cl100k_base';

export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return countCl100k(text);
}

export function encodeTokens(text: string): number[] {
  return encodeCl100k(text);
}
