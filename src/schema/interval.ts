import { z } from 'zod';

/** One definition, so the generated JSON Schema describes every interval alike. */
export const Interval = z.tuple([z.number(), z.number()]).describe('[low, high] 95% interval');
