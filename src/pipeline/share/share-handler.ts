import { Duration, Stack } from 'aws-cdk-lib';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ShareFunction } from './share-function';
import { EnvironmentShareSpec, SHARE_SETTINGS_VARIABLE, ShareApiSpec, ShareSettings } from '../../contract/share-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { EnvironmentAccessSpec } from '../../contract/access-settings';
import { grantAssumeAccessRole } from '../access/assume-access-role';
import { createHandlerFunction, sharedHandlersOf } from '../shared/handler-function';

/** An environment the share handler shares to. */
export interface ShareTarget {
  /** The environment's endpoint. */
  readonly endpointName: string;
  /** The parameter the environment's release record is kept in (in the pipeline's account). */
  readonly releaseParameter: ssm.IStringParameter;
  /** How to reach an endpoint in another account or region. */
  readonly access?: EnvironmentAccessSpec;
  /** The inference API the share makes live. */
  readonly api: ShareApiSpec;
}

/** Props of the share handler. */
export interface ShareHandlerProps {
  /** The pipeline's name, for logs and messages. */
  readonly pipelineName: string;
  /** How long the handler's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** How a Share action finds the release it shares. */
export interface ShareActionOptions {
  /**
   * The variables namespace of the environment's Deploy action, whose
   * `EndpointName`, `EndpointConfigName` and `ModelName` name the release.
   * @default `Deploy-${environmentName}`
   */
  readonly deployNamespace?: string;
  /**
   * The inference image URI, recorded with the release.
   * @default - not recorded
   */
  readonly imageUri?: string;
  /**
   * The action's name.
   * @default 'Share'
   */
  readonly actionName?: string;
  /**
   * The action's variables namespace (it outputs `SharedAt` and `ReleaseParameter`).
   * @default `Share-${environmentName}`
   */
  readonly variablesNamespace?: string;
}

/**
 * The Lambda that shares a release through an environment's inference API:
 * it checks the endpoint serves the release and records it in the
 * environment's release parameter. One per pipeline; each environment adds
 * permissions for its own endpoint and parameter only.
 */
export class ShareHandler extends Construct {
  /** The function CodePipeline invokes. */
  public readonly function: lambda.IFunction;
  /** Where the handler's permissions go: its function's role, or the pipeline's role a shared function assumes. */
  public readonly role: iam.IRole;
  private readonly actionParameters: { [name: string]: string };
  private readonly environments: { [name: string]: EnvironmentShareSpec } = {};

  constructor(scope: Construct, id: string, props: ShareHandlerProps) {
    super(scope, id);
    const handler = createHandlerFunction(this, {
      roleDescription: `Shares releases of ${props.pipelineName} through their inference APIs`,
      functionDescription: 'Records a released model as shared through an environment\'s inference API for a CodePipeline share action',
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new ShareFunction(inScope, functionId, options),
      shared: sharedHandlersOf(this)?.share,
      pipelineName: props.pipelineName,
    });
    this.function = handler.function;
    this.role = handler.role;
    this.actionParameters = handler.actionParameters;
    handler.setSettings(SHARE_SETTINGS_VARIABLE, Stack.of(this).toJsonString({
      pipelineName: props.pipelineName,
      environments: this.environments,
    } satisfies ShareSettings));
    if (!handler.shared) {
      // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
      // (A shared function reports with its own role.)
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
        resources: ['*'],
      }));
    }
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'codepipeline:PutJobSuccessResult/PutJobFailureResult support no resource-level permissions' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
    ]);
  }

  /**
   * Lets the handler share to an environment: read and write exactly that
   * environment's release parameter and describe exactly its endpoint (in
   * another account or region, through the environment's access role).
   */
  public addEnvironment(environmentName: string, target: ShareTarget): void {
    if (this.environments[environmentName]) {
      throw new Error(`ShareHandler ${this.node.path} already shares to environment "${environmentName}"`);
    }
    this.environments[environmentName] = {
      endpointName: target.endpointName,
      parameterName: target.releaseParameter.parameterName,
      access: target.access,
      api: target.api,
    };
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: [target.releaseParameter.parameterArn],
    }));
    if (target.access) {
      // The environment's access role describes the endpoint and makes its API live there.
      grantAssumeAccessRole(this.role, target.access);
      return;
    }
    if (!target.api.restApiId) {
      throw new Error(`ShareHandler ${this.node.path}: environment "${environmentName}" is in this account, so its API's ID must be given`);
    }
    // Making the API live is one stage update: PATCH on that stage only.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['apigateway:PATCH'],
      resources: [inferenceApiStageArn(this, target.api.restApiId, target.api.stageName)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpoint'],
      // SageMaker writes endpoint names in lower case in its ARNs.
      resources: [Stack.of(this).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: target.endpointName.toLowerCase() })],
    }));
  }

  /**
   * The CodePipeline action that shares an environment's release, for a stage
   * after the environment's Deploy (and Test) stages.
   * @param environmentName an environment added with `addEnvironment`
   */
  public shareAction(environmentName: string, options: ShareActionOptions = {}): actions.LambdaInvokeAction {
    if (!this.environments[environmentName]) {
      throw new Error(`ShareHandler ${this.node.path} has no environment "${environmentName}": call addEnvironment() first`);
    }
    const deploy = options.deployNamespace ?? `Deploy-${environmentName}`;
    return new actions.LambdaInvokeAction({
      actionName: options.actionName ?? 'Share',
      variablesNamespace: options.variablesNamespace ?? `Share-${environmentName}`,
      lambda: this.function,
      userParameters: {
        environment: environmentName,
        executionId: '#{codepipeline.PipelineExecutionId}',
        endpointName: `#{${deploy}.EndpointName}`,
        endpointConfigName: `#{${deploy}.EndpointConfigName}`,
        modelName: `#{${deploy}.ModelName}`,
        ...(options.imageUri ? { imageUri: options.imageUri } : {}),
        ...this.actionParameters,
      },
    });
  }
}

/** The ARN IAM knows an inference API's stage by (API Gateway's management ARNs have no account). */
export function inferenceApiStageArn(scope: Construct, restApiId: string, stageName: string): string {
  return Stack.of(scope).formatArn({
    service: 'apigateway',
    account: '',
    resource: '/restapis',
    resourceName: `${restApiId}/stages/${stageName}`,
  });
}
