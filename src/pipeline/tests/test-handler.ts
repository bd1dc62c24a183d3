import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TestFunction } from './test-function';
import { TestSuiteSpec } from './test-spec';
import { justifyWildcards } from '../../nag/acknowledgements';

/** Props of the integration-test handler. */
export interface IntegrationTestHandlerProps {
  /** The pipeline's name, for descriptions. */
  readonly pipelineName: string;
  /** How long the handler's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The one Lambda per pipeline that sends each environment's test requests to
 * its endpoint and rolls the environment back when an expectation fails,
 * with permissions limited to the environments added to it.
 */
export class IntegrationTestHandler extends Construct {
  /** The function CodePipeline invokes. */
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: IntegrationTestHandlerProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    // Its own role rather than the AWS managed basic execution policy: it may
    // write to its own log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the integration tests of ${props.pipelineName}`,
    });
    logGroup.grantWrite(role);
    this.function = new TestFunction(this, 'Function', {
      role,
      description: 'Tests a SageMaker endpoint for a CodePipeline test action, rolling it back on failure',
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // One call runs every request (each bounded by InvokeEndpoint's 60 s) or one rollback step.
      timeout: Duration.minutes(5),
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'codepipeline:PutJobSuccessResult/PutJobFailureResult support no resource-level permissions' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
      { finding: /^Resource::arn:.*:sagemaker:.*:endpoint-config\/[a-z0-9-]+-\*$/, reason: 'A rollback returns the endpoint to an earlier release config, named <environment prefix>-<release id>; only that prefix is reachable' },
    ]);
    // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
      resources: ['*'],
    }));
  }

  /**
   * Stores an environment's requests in an SSM parameter of its own and
   * allows the handler to read it, to invoke and describe exactly that
   * environment's endpoint, and to update it onto one of its release configs.
   * @returns the parameter, whose name goes in the action's UserParameters
   */
  public addEnvironment(name: string, endpointName: string, releasePrefix: string, spec: TestSuiteSpec): ssm.StringParameter {
    const parameter = new ssm.StringParameter(this, `Requests-${name}`, {
      description: `The integration test requests of environment ${name} (endpoint ${endpointName})`,
      stringValue: JSON.stringify(spec),
    });
    parameter.grantRead(this.function);
    const stack = Stack.of(this);
    // SageMaker writes resource names in lower case in its ARNs.
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: resourceName.toLowerCase() });
    const endpoint = arn('endpoint', endpointName);
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:InvokeEndpoint', 'sagemaker:DescribeEndpoint'],
      resources: [endpoint],
    }));
    // UpdateEndpoint is authorized on both the endpoint and the config it moves to.
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [endpoint, arn('endpoint-config', `${releasePrefix}-*`)],
    }));
    return parameter;
  }
}
