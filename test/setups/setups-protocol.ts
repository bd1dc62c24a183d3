/**
 * What the setups test hands the synthesizer it runs in each scratch app
 * (synth-apps.ts), and what it gets back. Plain types: the synthesizer runs
 * against the scratch app's packages, not this project's.
 */

/** How cdk-nag was attached: cdk-nag 2's Aspect, cdk-nag 3's validation plugin, or its direct `validateScope` call. */
export type NagAttachment = 'aspect' | 'plugin' | 'validate-scope';

export interface SetupsJob {
  /** The scratch app: every package must resolve inside it. */
  readonly scratchDirectory: string;
  /** Where each run's cloud assembly goes (`<outdir>/<environment>/<app>`). */
  readonly outdir: string;
  /** The bundled apps: the example app (exports `buildExampleApp`) and the integ apps (build their App as they load). */
  readonly apps: ReadonlyArray<{ readonly name: string; readonly file: string }>;
  /** Each app is synthesized once per environment; without an account, every stack is env-agnostic. */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly account?: string; readonly region?: string }>;
}

export interface SynthFinding {
  /** e.g. `AwsSolutions-L1` or `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  readonly severity: string;
  /** Construct path of the CfnResource. */
  readonly path: string;
  readonly description: string;
}

export interface SynthRun {
  readonly app: string;
  readonly environment: string;
  /** The stacks checked: every stack of the example, the test-case stacks of an integ app. */
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly templateFile: string }>;
  readonly functionRuntimes: ReadonlyArray<{ readonly path: string; readonly runtime: string }>;
  /** Unacknowledged cdk-nag AwsSolutions findings in those stacks. */
  readonly findings: SynthFinding[];
  /** Set when the app did not synthesize. */
  readonly error?: string;
}

export interface SetupsResult {
  /** The installed version of each package, by name. */
  readonly versions: { readonly [name: string]: string };
  readonly nagAttachment: NagAttachment;
  /** The newest Node.js runtime the installed aws-cdk-lib knows (as cdk-nag's AwsSolutions-L1 decides it). */
  readonly newestNodeRuntime: string;
  readonly runs: SynthRun[];
}
