import { spawn } from 'child_process';
import * as path from 'path';

/** Project root: this file lives in bench/. */
export const ROOT = path.resolve(__dirname, '..');

/**
 * Runs `node <args>` in a fresh process from the project root and returns
 * the JSON its last stdout line holds. A fresh process per sample is what
 * makes a cold-load or synth time cold: nothing is cached in the module
 * registry, the JIT or the heap of a previous sample.
 */
export function nodeChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf-8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf-8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}`));
        return;
      }
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`node ${args.join(' ')} printed no JSON result:\n${stdout.slice(-2000)}${stderr.slice(-2000)}`));
      }
    });
  });
}

/** Runs a bench TypeScript module in a fresh process (transpiled by ts-node, see bench/tsconfig.json). */
export function tsChild(script: string, args: readonly string[]): Promise<unknown> {
  return nodeChild(['-r', 'ts-node/register', path.join(__dirname, script), ...args], {
    TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json'),
  });
}
