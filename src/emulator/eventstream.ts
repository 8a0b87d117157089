/**
 * application/vnd.amazon.eventstream frames for ConverseStream, encoded with the SDK's own codec so the framing
 * (prelude, headers, CRCs) is byte-for-byte what the client parser expects.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PADDING_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Real Bedrock pads payloads with a random-length `p` field (so sizes do not leak content); clients ignore it. */
export function padding(draw: number): string {
  return PADDING_ALPHABET.slice(0, 1 + Math.floor(draw * (PADDING_ALPHABET.length - 1)));
}

export function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** An exception frame. `exceptionType` must be the lower-camel union member (e.g. `throttlingException`) for the SDK to type it. */
export function exceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'exception' },
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Splits text into delta pieces of a few words each; concatenating the pieces gives the text back exactly. */
export function deltaPieces(text: string, wordsPerPiece = 3): string[] {
  const words = text.match(/\s*\S+|\s+$/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) pieces.push(words.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

