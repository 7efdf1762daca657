#!/usr/bin/env node
// The command-line entry point. The repo runs its TypeScript through tsx's loader, so there is no
// build step; this file only wires the node catalog (nodes/) into the CLI (core/cli/).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../core/cli/main.ts');
const { CATALOG } = await import('../nodes/registry.ts');
process.exitCode = await runCli(process.argv.slice(2), CATALOG, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
