// The `mlops` command's entry point: see ./mlops.ts.
process.stderr.write('mlops: not built yet\n');
process.exitCode = 1;
