import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { HANDLER_ROLE_PARAMETER, PIPELINE_SESSION_TAG, SETTINGS_PARAMETER } from '../../contract/shared-handler-settings';
import { newestNodeRuntime } from '../../common/lambda-runtime';
import { removeRedundantDependsOn } from '../../common/redundant-dependencies';

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

/** What a handler's function is made with: its settings and the runtime every library function has. */
export interface HandlerFunctionOptions extends lambda.FunctionOptions {
  readonly runtime: lambda.Runtime;
}

/** Props of {@link createHandlerFunction}. */
export interface HandlerFunctionProps {
  /** What the role is for: "Deploys releases of churn-mlops". */
  readonly roleDescription: string;
  readonly functionDescription: string;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Makes the function (the generated class of the handler's bundle). */
  readonly createFunction: (scope: Construct, id: string, props: HandlerFunctionOptions) => lambda.Function;
  /** Set to use a shared function instead of making one. */
  readonly shared?: SharedHandlerRef;
  /**
   * The name of the CodePipeline whose actions use the handler. A shared
   * function may assume the pipeline's role only in a session tagged with it
   * (`mlops:pipeline`), which the function learns from CodePipeline per job.
   * @default - none; required with `shared`, unused otherwise
   */
  readonly pipelineName?: string;
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
  if (!props.shared) {
    return ownHandler(scope, props);
  }
  if (props.pipelineName === undefined) {
    throw new Error(`${scope.node.path}: a shared handler needs pipelineName, the only pipeline whose jobs may assume its role`);
  }
  return sharedHandler(scope, props, props.shared, props.pipelineName);
}

/**
 * Who may assume a pipeline's role for a shared function: that function's
 * role, and only in a session tagged `<tagKey>=<value>`. Every pipeline's role
 * trusts the same function role and the caller names the role, so without
 * the tag one pipeline could act as another's. `sts:TagSession` is in the
 * same statement, under the same condition, because STS requires it when a
 * session is tagged.
 */
export function sharedFunctionPrincipal(functionRoleArn: string, tagKey: string, value: string): iam.IPrincipal {
  return new iam.ArnPrincipal(functionRoleArn)
    .withSessionTags()
    .withConditions({ StringEquals: { [`aws:RequestTag/${tagKey}`]: value } });
}

function ownHandler(scope: Construct, props: HandlerFunctionProps): HandlerFunction {
  // CDK makes the function depend on its whole role, the role it refers to included.
  removeRedundantDependsOn(scope);
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: props.logRetention });
  // Its own role rather than the AWS managed basic execution policy: it may
  // write to its own log group only.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  const fn = props.createFunction(scope, 'Function', {
    runtime: newestNodeRuntime(),
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

function sharedHandler(scope: Construct, props: HandlerFunctionProps, shared: SharedHandlerRef, pipelineName: string): HandlerFunction {
  // The shared function assumes this role for this pipeline's jobs only.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: sharedFunctionPrincipal(shared.roleArn, PIPELINE_SESSION_TAG, pipelineName),
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
