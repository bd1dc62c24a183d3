import { cpSync, mkdirSync, readdirSync, rmSync } from 'fs';
import * as path from 'path';
import { build, Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../harness/moto-server';

/** The name a user's app imports the library by. */
const PACKAGE_NAME = 'cdk-mlops-framework';
const SOURCE = path.join(PROJECT_ROOT, 'src');

/** One app to synthesize in the scratch apps: a bundle whose only imports are packages. */
export interface AppBundle {
  /** `example`, or the integ test's name (`integ.batch`). */
  readonly name: string;
  /** Relative to the bundles' directory. */
  readonly file: string;
}

/**
 * The example app and the integ apps import the library from `../src`. A
 * user's app imports the package: each app is bundled with its own helpers
 * (integ/support, test/fixtures) inlined, and every import that reaches into
 * src/ rewritten to the package (`cdk-mlops-framework`, or
 * `cdk-mlops-framework/lib/<path>` for the two internal helpers the integ
 * apps use). aws-cdk-lib, constructs, cdk-nag and integ-tests-alpha stay
 * imports, so they resolve to the scratch app's own copies.
 */
export async function bundleApps(outdir: string): Promise<AppBundle[]> {
  rmSync(outdir, { recursive: true, force: true });
  const integ = readdirSync(path.join(PROJECT_ROOT, 'integ')).filter((file) => /^integ\..+\.ts$/.test(file)).sort();
  const entries = [
    { name: 'example', source: 'examples/app.ts' },
    ...integ.map((file) => ({ name: file.replace(/\.ts$/, ''), source: `integ/${file}` })),
  ];
  await build({
    entryPoints: entries.map(({ source }) => path.join(PROJECT_ROOT, source)),
    outbase: PROJECT_ROOT,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    plugins: [libraryAsPackage],
    logLevel: 'warning',
  });
  // integ.custom-container reads its container's files next to itself.
  cpSync(path.join(PROJECT_ROOT, 'integ', 'fixtures'), path.join(outdir, 'integ', 'fixtures'), { recursive: true });
  mkdirSync(outdir, { recursive: true });
  return entries.map(({ name, source }) => ({ name, file: source.replace(/\.ts$/, '.js') }));
}

const libraryAsPackage: Plugin = {
  name: 'library-as-package',
  setup(onBuild) {
    onBuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (target !== SOURCE && !target.startsWith(SOURCE + path.sep)) {
        return undefined;
      }
      const inside = path.relative(SOURCE, target).split(path.sep).join('/');
      return { path: inside === '' || inside === 'index' ? PACKAGE_NAME : `${PACKAGE_NAME}/lib/${inside}`, external: true };
    });
  },
};

/** Bundles the synthesizer that runs inside each scratch app (synth-apps.ts), every package left to that app. */
export async function bundleSynthesizer(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(__dirname, 'synth-apps.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}
