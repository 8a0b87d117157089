#!/usr/bin/env node
// The SDK versions in package-lock.json support Node 20; the SDK's notice is about releases after January 2027,
// which `npm ci` will not install, so it is silenced unless the user asked for it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The CLI process trades a little GC time for a much lower peak RSS (src/cli/heap-growth.ts).
const { capHeapGrowth } = await import('../dist/cli/heap-growth.js');
capHeapGrowth();
const { main } = await import('../dist/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
