/**
 * Runs before every test file. A test that makes no assertion cannot fail on a wrong answer, so it fails here:
 * `expect.hasAssertions()` in beforeEach makes vitest fail any test that ends without calling expect.
 */
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
