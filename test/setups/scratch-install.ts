import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../harness/moto-server';

/** Scratch apps, packed library and bundles, reused between runs (gitignored, like test/consumers' caches). */
export const SETUPS_CACHE = path.join(PROJECT_ROOT, '.cache', 'setups');
/** One folder per variant, each with the package.json projen writes from .projenrc.ts and its committed lock file. */
export const VARIANTS_DIRECTORY = path.join(PROJECT_ROOT, 'test', 'setups', 'variants');

/** A user's setup: the versions a scratch app installs next to the packed library. */
export interface Variant {
  /** `lowest`, `pinned`, `newest`, or `latest` (the `compat` task: whatever the registry serves today). */
  readonly name: string;
  /** The scratch app's package.json dependencies, by name. */
  readonly dependencies: { readonly [name: string]: string };
  /** Whether a committed package-lock.json pins every transitive version (not for `latest`). */
  readonly locked: boolean;
}

/** The pinned variants, as projen generated them from .projenrc.ts. */
export function pinnedVariants(): Variant[] {
  return readdirSync(VARIANTS_DIRECTORY).sort().map((name) => {
    const manifest = JSON.parse(readFileSync(path.join(VARIANTS_DIRECTORY, name, 'package.json'), 'utf-8'));
    return { name, dependencies: manifest.dependencies, locked: true };
  });
}

/** The newest release of every package a scratch app holds, from the registry today (the `compat` task). */
export function latestVariant(): Variant {
  const names = Object.keys(pinnedVariants()[0].dependencies);
  return { name: 'latest', dependencies: Object.fromEntries(names.map((name) => [name, 'latest'])), locked: false };
}

/**
 * Packs the library as `npm publish` would (the jsii-compiled lib/, .jsii and
 * assets/ with the bundled handlers and blueprints) and returns the tarball.
 * The test command compiles and bundles before it gets here.
 */
export function packLibrary(): string {
  const missing = ['lib/index.js', '.jsii', 'assets/runtime/handlers/deploy.lambda/index.js', 'assets/blueprints/prebuilt-1.template.json']
    .filter((file) => !existsSync(path.join(PROJECT_ROOT, file)));
  if (missing.length > 0) {
    throw new Error(`the library is not built (${missing.join(', ')} missing): run npx projen compile && npx projen bundle && npx projen blueprints`);
  }
  const destination = path.join(SETUPS_CACHE, 'pack');
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', destination], PROJECT_ROOT);
  const [tarball] = readdirSync(destination).filter((file) => file.endsWith('.tgz'));
  return path.join(destination, tarball);
}

/**
 * The variant's scratch app with its packages installed: from the committed
 * lock file with `npm ci` (only when the lock changed since the last run), or,
 * for `latest`, with `npm install` of whatever the registry serves. Then the
 * packed library, installed as a user installs it, with npm checking its peer ranges.
 */
export function prepareScratchApp(variant: Variant, tarball: string): string {
  const directory = path.join(SETUPS_CACHE, variant.name);
  mkdirSync(directory, { recursive: true });
  const stamp = path.join(directory, '.installed');
  if (variant.locked) {
    const source = path.join(VARIANTS_DIRECTORY, variant.name);
    const key = sha256(readFileSync(path.join(source, 'package.json'))) + sha256(readFileSync(path.join(source, 'package-lock.json')));
    if (readIfExists(stamp) !== key || !existsSync(path.join(directory, 'node_modules'))) {
      rmSync(path.join(directory, 'node_modules'), { recursive: true, force: true });
      copyFileSync(path.join(source, 'package.json'), path.join(directory, 'package.json'));
      copyFileSync(path.join(source, 'package-lock.json'), path.join(directory, 'package-lock.json'));
      run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], directory,
        `the lock file of test/setups/variants/${variant.name} does not match its package.json: run npx projen test:setups:lock`);
      writeFileSync(stamp, key);
    }
  } else {
    writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ name: `setups-${variant.name}`, private: true, dependencies: variant.dependencies }, undefined, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], directory);
  }
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', tarball], directory,
    `npm refused the packed library next to ${JSON.stringify(variant.dependencies)}: its peer ranges do not accept these versions`);
  return directory;
}

function run(command: string, args: string[], cwd: string, hint?: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status ?? result.signal})${hint ? `: ${hint}` : ''}\n${result.stderr}${result.stdout}`);
  }
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf-8') : undefined;
}
