import { runCli } from './mlops';

// The `mlops` command (bundled into assets/cli/main/index.js): see ./mlops.ts.
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((code) => {
  // exitCode rather than exit(): stdout may still be flushing into a pipe.
  process.exitCode = code;
});
