import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER } from './shared-handler-spec';

/** A handler function made once elsewhere (by an MlopsFramework) that pipelines use by ARN. */
export interface SharedHandlerRef {
  readonly functionArn: string;
  /** The function's own role: the pipeline's role for the handler trusts it. */
  readonly roleArn: string;
}

/** The release clean-up shared the same way: its custom resource provider's service token. */
export interface SharedCleanupRef {
  readonly serviceToken: string;
  readonly roleArn: string;
}

/** Every handler a pipeline may share. */
export interface SharedHandlers {
  readonly deploy: SharedHandlerRef;
  readonly test: SharedHandlerRef;
  readonly share: SharedHandlerRef;
  readonly cleanup: SharedCleanupRef;
}

const SHARED_HANDLERS = Symbol.for('cdk-mlops-framework.sharedHandlers');

/**
 * Makes every ByomPipeline in `stack` use the given handlers instead of
 * creating its own (the framework's blueprint stacks do). Call before adding pipelines.
 */
export function useSharedHandlers(stack: Stack, handlers: SharedHandlers): void {
  (stack as unknown as { [SHARED_HANDLERS]?: SharedHandlers })[SHARED_HANDLERS] = handlers;
}

/** The handlers pipelines in `scope`'s stack share, if any. */
export function sharedHandlersOf(scope: IConstruct): SharedHandlers | undefined {
  return (Stack.of(scope) as unknown as { [SHARED_HANDLERS]?: SharedHandlers })[SHARED_HANDLERS];
}

/** Props of {@link createHandlerFunction}. */
export interface HandlerFunctionProps {
  /** What the role is for: "Deploys releases of churn-mlops". */
  readonly roleDescription: string;
  readonly functionDescription: string;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Makes the function (the generated class of the handler's bundle). */
  readonly createFunction: (scope: Construct, id: string, props: lambda.FunctionOptions) => lambda.Function;
  /** Set to use a shared function instead of making one. */
  readonly shared?: SharedHandlerRef;
}

/** A pipeline's handler: its own function, or a shared one acting through the pipeline's role. */
export interface HandlerFunction {
  /** The function CodePipeline (or CloudFormation) invokes. */
  readonly function: lambda.IFunction;
  /** Where the handler's permissions go: the function's role, or the pipeline's role it assumes. */
  readonly role: iam.IRole;
  /** Set when the function is shared. */
  readonly shared: boolean;
  /** User parameters every action of the handler adds (the role and settings of a shared function). */
  readonly actionParameters: { [name: string]: string };
  /**
   * Gives the handler its settings: the function's environment variable, or an
   * SSM parameter the pipeline's role may read. Call once, before making actions.
   */
  setSettings(variable: string, json: string): void;
}

/**
 * A handler's function, log group and role, with the same construct IDs
 * (`Logs`, `Role`, `Function`) under `scope` in both modes, so a pipeline's
 * logical IDs never move.
 */
export function createHandlerFunction(scope: Construct, props: HandlerFunctionProps): HandlerFunction {
  return props.shared ? sharedHandler(scope, props, props.shared) : ownHandler(scope, props);
}

function ownHandler(scope: Construct, props: HandlerFunctionProps): HandlerFunction {
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: props.logRetention });
  // Its own role rather than the AWS managed basic execution policy: it may
  // write to its own log group only.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = props.createFunction(scope, 'Function', {
    role,
    description: props.functionDescription,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: props.timeout,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
  });
  return {
    function: fn,
    role,
    shared: false,
    actionParameters: {},
    setSettings: (variable, json) => fn.addEnvironment(variable, json),
  };
}

function sharedHandler(scope: Construct, props: HandlerFunctionProps, shared: SharedHandlerRef): HandlerFunction {
  // The shared function assumes this role for the pipeline's calls; only that function's role may.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ArnPrincipal(shared.roleArn),
    description: props.roleDescription,
  });
  const fn = lambda.Function.fromFunctionAttributes(scope, 'Function', {
    functionArn: shared.functionArn,
    sameEnvironment: true,
    // The framework lets CodePipeline and CloudFormation invoke it.
    skipPermissions: true,
  });
  const actionParameters: { [name: string]: string } = { [HANDLER_ROLE_PARAMETER]: role.roleArn };
  return {
    function: fn,
    role,
    shared: true,
    actionParameters,
    setSettings: (_variable, json) => {
      const parameter = new ssm.StringParameter(scope, 'Settings', {
        description: `Settings of ${scope.node.path}, read by the shared handler through the pipeline's role`,
        stringValue: json,
      });
      parameter.grantRead(role);
      actionParameters[SETTINGS_PARAMETER] = parameter.parameterName;
    },
  };
}
