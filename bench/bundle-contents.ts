import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { ROOT } from './child';

/** One of projen's bundle tasks: the esbuild command that makes an asset. */
export interface BundleTask {
  /** e.g. `pipeline/deploy/deploy.lambda`. */
  readonly name: string;
  /** The asset, relative to the project root. */
  readonly outfile: string;
  readonly esbuildArgs: readonly string[];
}

/** What a bundle holds, from esbuild's metafile of the same build. */
export interface BundleContents {
  /** Each service client package in the bundle with the operations (commands) it carries. */
  readonly clients: Record<string, string[]>;
  /** The clients of the SDK's default credential chain (SSO, STS web identity, sign-in), bundled with every client. */
  readonly credentialChainClients: string[];
}

/**
 * The Lambda handlers' bundle tasks projen generated (`bundle:<name>` for
 * each `*.lambda.ts`; the `mlops` command's bundle is no Lambda function),
 * read from .projen/tasks.json so the bench rebuilds exactly what
 * `npx projen bundle` builds.
 */
export function handlerBundleTasks(): BundleTask[] {
  const tasks = JSON.parse(readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf-8')).tasks as Record<string, { steps?: { execArgs?: string[] }[] }>;
  return Object.entries(tasks)
    .filter(([name]) => name.startsWith('bundle:') && name.endsWith('.lambda'))
    .map(([name, task]) => {
      const args = task.steps?.find((s) => s.execArgs?.[0] === 'esbuild')?.execArgs;
      const outfile = args?.find((a) => a.startsWith('--outfile='))?.slice('--outfile='.length);
      if (!args || !outfile) {
        throw new Error(`projen task ${name} has no esbuild step with --outfile`);
      }
      return { name: name.slice('bundle:'.length), outfile, esbuildArgs: args.slice(1) };
    });
}

/** A service client package (`@aws-sdk/client-x`), or a credential-chain client (`nested-clients/x`), of a bundled input path. */
function clientOf(input: string): { kind: 'service' | 'credentials'; name: string } | undefined {
  const service = /node_modules\/(@aws-sdk\/client-[a-z0-9-]+)\//.exec(input);
  if (service) return { kind: 'service', name: service[1] };
  const nested = /node_modules\/@aws-sdk\/nested-clients\/dist-[a-z]+\/submodules\/([a-z0-9-]+)\//.exec(input);
  return nested ? { kind: 'credentials', name: nested[1] } : undefined;
}

function addAll(into: Record<string, Set<string>>, key: string, values: Iterable<string>): void {
  const set = (into[key] ??= new Set());
  for (const value of values) set.add(value);
}

const sorted = (map: Record<string, Set<string>>): Record<string, string[]> =>
  Object.fromEntries(Object.keys(map).sort().map((key) => [key, [...map[key]].sort()]));

/** A bundle the bench built, and what it holds. */
export interface BuiltBundle extends BundleContents {
  /** The bundle file, in the bench's work directory. */
  readonly file: string;
  /** Whether it is byte for byte the asset in assets/ (false: the sources changed since `npx projen bundle`). */
  readonly sameAsAsset: boolean;
}

/**
 * Builds a bundle into `outdir` with its task's own esbuild arguments plus a
 * metafile, and reads from the metafile which clients and operations it
 * carries. The bench measures this build rather than the file in assets/,
 * so size, contents and load time come from one and the same build even
 * while the sources change.
 */
export function buildBundle(task: BundleTask, outdir: string): BuiltBundle {
  const workdir = path.join(outdir, task.name.replace(/\//g, '-'));
  mkdirSync(workdir, { recursive: true });
  const file = path.join(workdir, 'index.js');
  const metafile = path.join(workdir, 'meta.json');
  const args = [...task.esbuildArgs.filter((a) => !a.startsWith('--outfile=')), `--outfile=${file}`, `--metafile=${metafile}`, '--log-level=error'];
  const built = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'), args, { cwd: ROOT, encoding: 'utf-8' });
  if (built.status !== 0) {
    throw new Error(`esbuild ${args.join(' ')} failed:\n${built.stderr}`);
  }
  const asset = path.join(ROOT, task.outfile);
  const sameAsAsset = existsSync(asset) && readFileSync(file).equals(readFileSync(asset));
  const meta = JSON.parse(readFileSync(metafile, 'utf-8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const inputs = Object.entries(Object.values(meta.outputs)[0].inputs).filter(([, input]) => input.bytesInOutput > 0).map(([name]) => name);

  const clients: Record<string, Set<string>> = {};
  const credentialChain = new Set<string>();
  for (const input of inputs) {
    const client = clientOf(input);
    if (client?.kind === 'credentials') {
      credentialChain.add(client.name);
    } else if (client) {
      const command = /\/commands\/(\w+Command)\.js$/.exec(input)?.[1];
      addAll(clients, client.name, command ? [command] : []);
    }
  }
  return { file, sameAsAsset, clients: sorted(clients), credentialChainClients: [...credentialChain].sort() };
}
