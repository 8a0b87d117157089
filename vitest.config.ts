import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test must assert something (see the file).
    setupFiles: ['test/setup.ts'],
    // Hang guards, not performance targets (those live in bench/): generous enough that a test on a loaded 2-core
    // machine never fails for being slow. No test sets a lower one of its own.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores in CI: more workers only add contention with the emulator servers the tests start.
    maxWorkers: 2,
    env: {
      // The pinned SDK supports Node 20; its notice about 2027 releases is noise in test output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // On GitHub Actions the job's own summary file: every gate a test runs (in-process or through the CLI, which
      // inherits this environment) would append to it. The one test of that feature sets its own file.
      GITHUB_STEP_SUMMARY: '',
    },
  },
});
