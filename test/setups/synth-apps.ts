/**
 * Runs inside a scratch app (.cache/setups/<variant>/), bundled by esbuild
 * with aws-cdk-lib, constructs, cdk-nag, integ-tests-alpha and the library
 * left to that app's node_modules: synthesizes the example app and every
 * integ app, each env-agnostic and in a concrete account and region, with
 * cdk-nag attached as a user of that cdk-nag would attach it, and writes what
 * it found to a JSON file. One process per variant: loading aws-cdk-lib and
 * the library is most of the cost of a small app.
 *
 *   node synth-apps.js JOB.json RESULT.json
 *
 * It never imports this project's own aws-cdk-lib: everything it requires
 * must resolve inside the scratch app, which it checks first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as Module from 'module';
import * as path from 'path';
import type { SetupsJob, SetupsResult, SynthFinding, SynthRun, NagAttachment } from './setups-protocol';

const [jobFile, resultFile] = process.argv.slice(2);
const job: SetupsJob = JSON.parse(readFileSync(jobFile, 'utf-8'));
const SCRATCH = path.resolve(job.scratchDirectory);
/** Loads modules as code in the scratch app does: from its node_modules. */
const scratchRequire = Module.createRequire(path.join(SCRATCH, 'package.json'));

/** Every package the apps and this script load must be the scratch app's copy. */
const PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-cdk/integ-tests-alpha', 'cdk-mlops-framework'];
for (const name of PACKAGES) {
  const resolved = scratchRequire.resolve(`${name}/package.json`);
  if (!resolved.startsWith(SCRATCH + path.sep)) {
    throw new Error(`${name} resolves to ${resolved}, outside the scratch app ${SCRATCH}: a package is missing from its node_modules`);
  }
}
const cdk = scratchRequire('aws-cdk-lib');
const cxapi = scratchRequire('aws-cdk-lib/cx-api');
const nag = scratchRequire('cdk-nag');
const version = (name: string): string => scratchRequire(`${name}/package.json`).version;

/**
 * How this cdk-nag attaches. cdk-nag 2 is an Aspect on the app, reporting
 * through annotations. cdk-nag 3 is a validation plugin
 * (`Validations.of(app).addPlugins(...)`), reporting in the assembly's
 * validation report; aws-cdk-lib 2.257.0, the oldest its peer range allows,
 * gives plugins no construct tree, so there (and only there) cdk-nag's
 * documented direct call `validateScope(app)` after synthesis stands in.
 */
function attachment(): NagAttachment {
  if (typeof nag.NagSuppressions === 'function') return 'aspect';
  return cdkVersionAtLeast('2.258.0') ? 'plugin' : 'validate-scope';
}

function cdkVersionAtLeast(wanted: string): boolean {
  const have = version('aws-cdk-lib').split('.').map(Number);
  const want = wanted.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

const nagAttachment = attachment();

/** The flags `cdk init` of this aws-cdk-lib writes into a new app's cdk.json (as the CLI passes them). */
const RECOMMENDED_CONTEXT = JSON.stringify(cxapi.CURRENTLY_RECOMMENDED_FLAGS ?? {});

let forcedEnv: { account: string; region: string } | undefined;
let outdir = '';
const created: any[] = [];

/**
 * The apps see aws-cdk-lib through this proxy: every App they make is
 * recorded, written to this run's outdir and, for cdk-nag 3, gets the plugin
 * the moment it exists (as a user's app.ts would); every Stack they make gets
 * this run's environment, so one app is synthesized env-agnostic and then in
 * a concrete account and region. integ-tests-alpha's assertion stacks get the
 * same environment; the library loads the real module.
 */
class RecordingApp extends cdk.App {
  constructor(props: any = {}) {
    super({ ...props, outdir });
    if (nagAttachment === 'plugin') {
      cdk.Validations.of(this).addPlugins(new nag.AwsSolutionsChecks(this));
    } else if (nagAttachment === 'aspect') {
      cdk.Aspects.of(this).add(new nag.AwsSolutionsChecks());
    }
    created.push(this);
  }
}
class EnvironmentStack extends cdk.Stack {
  constructor(scope: any, id: string, props: any = {}) {
    super(scope, id, { ...props, env: forcedEnv });
  }
}
const appCdk = new Proxy(cdk, {
  get: (target, property) => (property === 'App' ? RecordingApp : property === 'Stack' ? EnvironmentStack : target[property]),
});
const appFiles = new Set(job.apps.map((app) => path.resolve(app.file)));
// integ-tests-alpha adds each test's assertion stack, which refers to the test-case stacks: same environment.
const integTests = path.dirname(scratchRequire.resolve('@aws-cdk/integ-tests-alpha/package.json')) + path.sep;
// The module system itself (not an import's copy of its exports), to hook its loader.
const loader: { _load: (request: string, parent: any, isMain: boolean) => unknown } = scratchRequire('module');
const originalLoad = loader._load;
loader._load = function load(request: string, parent: any, isMain: boolean) {
  const fromApp = parent && (appFiles.has(parent.filename) || String(parent.filename).startsWith(integTests));
  if (fromApp && (request === 'aws-cdk-lib' || request === 'aws-cdk-lib/core')) {
    return appCdk;
  }
  return originalLoad.call(this, request, parent, isMain);
};

const runs: SynthRun[] = [];
for (const env of job.environments) {
  for (const app of job.apps) {
    runs.push(synthesize(app, env));
  }
}
const result: SetupsResult = {
  versions: Object.fromEntries(PACKAGES.map((name) => [name, version(name)])),
  nagAttachment,
  newestNodeRuntime: newestNodeRuntime(),
  runs,
};
writeFileSync(resultFile, JSON.stringify(result, undefined, 2));

function synthesize(app: SetupsJob['apps'][number], env: SetupsJob['environments'][number]): SynthRun {
  forcedEnv = env.account ? { account: env.account, region: env.region! } : undefined;
  outdir = path.join(job.outdir, env.name, app.name);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const file = path.resolve(app.file);
  const before = created.length;
  const previousContext = process.env.CDK_CONTEXT_JSON;
  process.env.CDK_CONTEXT_JSON = RECOMMENDED_CONTEXT;
  const base = { app: app.name, environment: env.name };
  try {
    delete scratchRequire.cache[file];
    const exports = scratchRequire(file);
    // The example app exports its builder; the integ apps build theirs as they load.
    if (typeof exports.buildExampleApp === 'function') exports.buildExampleApp();
    if (created.length !== before + 1) throw new Error(`${app.file} made ${created.length - before} apps; expected exactly one`);
    const root = created[created.length - 1];
    let synthError: unknown;
    let assembly: any;
    try {
      assembly = root.synth();
    } catch (e) {
      // cdk-nag 3 findings make synth fail after writing the assembly and its report.
      if (!(e instanceof Error && /Validation failed|ValidationFailed/.test(`${e.name} ${e.message}`))) throw e;
      synthError = e;
      assembly = new cxapi.CloudAssembly(outdir);
    }
    const checked = checkedStacks(assembly);
    const findings = nagFindings(root, assembly, checked);
    if (synthError && findings.length === 0) throw synthError;
    return {
      ...base,
      stacks: checked.map((stackName) => ({ name: stackName, templateFile: path.join(outdir, assembly.getStackByName(stackName).templateFile) })),
      functionRuntimes: functionRuntimes(root, checked),
      findings,
    };
  } catch (e) {
    return { ...base, stacks: [], functionRuntimes: [], findings: [], error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
  } finally {
    if (previousContext === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = previousContext;
  }
}

/**
 * The stacks the checks are about: every stack of the example app, and the
 * test-case stacks of an integ app (its assertion stack is integ-tests-alpha's
 * SDK-call provider, deployed by the integ run only, never with the product).
 */
function checkedStacks(assembly: any): string[] {
  const all: string[] = assembly.stacks.map((stack: any) => stack.stackName);
  let manifest: any;
  try {
    manifest = JSON.parse(readFileSync(path.join(assembly.directory, 'integ.json'), 'utf-8'));
  } catch {
    return all;
  }
  const testCases = Object.values<any>(manifest.testCases).flatMap((testCase) => testCase.stacks as string[]);
  return all.filter((name) => testCases.includes(name));
}

function stackOf(constructPath: string): string {
  return constructPath.split('/')[0];
}

function nagFindings(root: any, assembly: any, stacks: string[]): SynthFinding[] {
  const findings: SynthFinding[] = [];
  const add = (ruleId: string, severity: string, constructPath: string, description: string) => {
    if (stacks.includes(stackOf(constructPath))) findings.push({ ruleId, severity, path: constructPath, description });
  };
  if (nagAttachment === 'aspect') {
    // cdk-nag 2 reports as error and warning annotations: `AwsSolutions-X[finding]: text`.
    for (const stackName of stacks) {
      for (const message of assembly.getStackByName(stackName).messages) {
        const text = String(message.entry.data);
        const match = /^(AwsSolutions-[A-Za-z0-9]+(?:\[[^\]]*\])?):\s*(.*)$/s.exec(text);
        if (match && (message.level === 'error' || message.level === 'warning')) {
          add(match[1], message.level, message.id.replace(/^\//, ''), match[2].split('\n')[0]);
        }
      }
    }
  } else if (nagAttachment === 'validate-scope') {
    const report = new nag.AwsSolutionsChecks().validateScope(root);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) add(violation.ruleName, violation.severity, resource.constructPath, violation.description);
    }
  } else {
    // Newer aws-cdk-lib versions write validation-report.json (plugin name and
    // metadata at the top of each plugin's report); older ones
    // policy-validation-report.json (both under `summary`).
    const file = ['validation-report.json', 'policy-validation-report.json'].map((name) => path.join(assembly.directory, name)).find(existsSync);
    if (!file) throw new Error(`cdk-nag 3 was attached as a plugin, but ${assembly.directory} holds no validation report`);
    const report = JSON.parse(readFileSync(file, 'utf-8'));
    for (const plugin of report.pluginReports ?? []) {
      if ((plugin.pluginName ?? plugin.summary?.pluginName) !== 'AwsSolutions') continue;
      const metadata = plugin.metadata ?? plugin.summary?.metadata;
      if (metadata?.error) throw new Error(`cdk-nag did not run: ${metadata.error}`);
      for (const violation of plugin.violations) {
        for (const resource of violation.violatingResources ?? violation.violatingConstructs ?? []) {
          add(violation.ruleName, violation.severity, resource.constructPath, violation.description);
        }
      }
    }
  }
  // The same construct is reported once per environment group by some aws-cdk-lib versions.
  const unique = new Map(findings.map((f) => [`${f.ruleId} ${f.path}`, f]));
  return [...unique.values()];
}

/**
 * The library's handler function classes: the ones projen generates next to
 * each handler (lib/**\/*-function.js in the package).
 */
function libraryFunctionClasses(): any[] {
  const lib = path.join(path.dirname(scratchRequire.resolve('cdk-mlops-framework/package.json')), 'lib');
  const files = (readdirSync(lib, { recursive: true }) as string[]).filter((file) => file.endsWith('-function.js'));
  return files.flatMap((file) => Object.values<any>(scratchRequire(path.join(lib, file))).filter((value) => typeof value === 'function'));
}

/** The runtime of every Lambda function of the library's own handlers in the checked stacks. */
function functionRuntimes(root: any, stacks: string[]): Array<{ path: string; runtime: string }> {
  const classes = libraryFunctionClasses();
  return root.node.findAll()
    .filter((c: any) => classes.some((cls) => c instanceof cls) && stacks.includes(stackOf(c.node.path)))
    .map((c: any) => ({ path: c.node.path, runtime: c.runtime.name }));
}

/** The newest Node.js runtime this aws-cdk-lib knows, the way cdk-nag's AwsSolutions-L1 decides "latest". */
function newestNodeRuntime(): string {
  const lambda = scratchRequire('aws-cdk-lib/aws-lambda');
  const versions = (lambda.Runtime.ALL as any[])
    .map((runtime) => /^nodejs(\d+(?:\.\d+|\.x)?)/.exec(runtime.name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => a[1].localeCompare(b[1], undefined, { numeric: true }));
  return versions[versions.length - 1][0];
}
