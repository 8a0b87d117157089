/**
 * The error types live in src/schema/errors.ts, so that src/schema (readRunResult throws InputError) imports nothing
 * from the rest of src. Re-exported here, where every other module has always imported them from.
 */
export * from '../schema/errors.js';
