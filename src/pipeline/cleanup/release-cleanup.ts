import { ArnFormat, Aws, CustomResource, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CleanupFunction } from './cleanup-function';
import { CleanupEnvironment, ENVIRONMENTS_PROPERTY } from '../../contract/cleanup-settings';
import { newestNodeRuntime } from '../../common/lambda-runtime';
import { acknowledgeRule, justifyWildcards } from '../../nag/acknowledgements';
import { removeRedundantDependsOn } from '../../common/redundant-dependencies';
import { grantAssumeAccessRole } from '../access/assume-access-role';
import {
  dataQualityDefinitionPrefix,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../contract/monitoring-naming';
import { releaseId } from '../../contract/naming';
import { sharedFunctionPrincipal, sharedHandlersOf } from '../shared/handler-function';
import { CLEANUP_ROLE_PROPERTY, STACK_SESSION_TAG } from '../../contract/shared-handler-settings';

/** Props of a {@link ReleaseCleanup}. */
export interface ReleaseCleanupProps {
  /**
   * The environments whose SageMaker resources are removed with the stack.
   * More can be added with `addEnvironment()`.
   * @default - none yet
   */
  readonly environments?: CleanupEnvironment[];
  /** How long the clean-up's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** The CloudFormation type of the custom resource. */
export const RELEASE_CLEANUP_RESOURCE_TYPE = 'Custom::MlopsReleaseCleanup';
/**
 * How often a deletion checks on SageMaker: an endpoint takes minutes to
 * delete (longer if it must first finish creating), so polling faster buys nothing.
 */
const QUERY_INTERVAL = Duration.seconds(30);
/**
 * How long a deletion may take in all. It must stay under CloudFormation's
 * one-hour limit for a custom resource, so the framework, not CloudFormation,
 * reports a time-out (and says so).
 */
const TOTAL_TIMEOUT = Duration.minutes(55);
/** Every scalable dimension a SageMaker production variant has. */
const VARIANT_DIMENSIONS = ['sagemaker:variant:DesiredInstanceCount', 'sagemaker:variant:DesiredProvisionedConcurrency'];

/**
 * Deletes, when the stack is deleted, every SageMaker endpoint, release
 * endpoint config, release model and endpoint scaling registration the
 * pipeline's releases created: resources CloudFormation does not know about,
 * because the deploy handler makes them.
 *
 * A CloudFormation custom resource on the CDK Provider framework: creating or
 * updating it changes nothing in AWS; deleting it runs the clean-up handler
 * every 30 seconds (a Step Functions waiter, no Lambda sleeping) until nothing
 * is left, for at most 55 minutes. A failure that waiting will not fix
 * (permissions, say) fails the deletion at once, naming the resource. The
 * resource's properties list the environments, so adding one updates it.
 */
export class ReleaseCleanup extends Construct {
  /**
   * The handler, for both the framework's onEvent and isComplete calls.
   * @default - none when the pipeline uses a shared clean-up
   */
  public readonly function?: lambda.Function;
  /**
   * The Provider framework that drives the handler.
   * @default - none when the pipeline uses a shared clean-up
   */
  public readonly provider?: cr.Provider;
  /** Where the clean-up's permissions go: its function's role, or the pipeline's role the shared function assumes. */
  public readonly role: iam.IRole;
  /** The custom resource whose deletion removes the environments' SageMaker resources. */
  public readonly resource: CustomResource;
  private readonly environments: CleanupEnvironment[] = [];

  constructor(scope: Construct, id: string, props: ReleaseCleanupProps) {
    super(scope, id);
    const shared = sharedHandlersOf(this)?.cleanup;
    let serviceToken: string;
    if (shared) {
      // The framework's clean-up function assumes this role for this stack's
      // deletion only: its session is tagged with the stack CloudFormation's event names.
      this.role = new iam.Role(this, 'Role', {
        assumedBy: sharedFunctionPrincipal(shared.roleArn, STACK_SESSION_TAG, Aws.STACK_NAME),
        description: 'Deletes the SageMaker resources of a pipeline\'s releases when its stack is deleted',
      });
      serviceToken = shared.serviceToken;
    } else {
      const provider = createCleanupProvider(this, props.logRetention);
      this.function = provider.function;
      this.provider = provider.provider;
      this.role = provider.function.role!;
      serviceToken = provider.provider.serviceToken;
    }
    this.grantTeardown(this.role);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken,
      resourceType: RELEASE_CLEANUP_RESOURCE_TYPE,
      properties: {
        [ENVIRONMENTS_PROPERTY]: Lazy.any({ produce: () => this.environments.map((env) => ({ ...env })) }),
        ...(shared ? { [CLEANUP_ROLE_PROPERTY]: this.role.roleArn } : {}),
      },
    });

    this.acknowledgeFindings();
    for (const env of props.environments ?? []) {
      this.addEnvironment(env);
    }
  }

  /**
   * Adds an environment to those cleaned up, and allows the handler to delete
   * exactly that environment's endpoint and release configs and models.
   */
  public addEnvironment(env: CleanupEnvironment): void {
    this.environments.push({
      endpointName: env.endpointName,
      releasePrefix: env.releasePrefix,
      variantName: env.variantName,
      // Only when set: an unmonitored environment's properties stay as they were.
      ...(env.monitoringPrefix ? { monitoringPrefix: env.monitoringPrefix } : {}),
      access: env.access,
    });
    if (env.access) {
      // The environment's access role in the other account does the deleting.
      grantAssumeAccessRole(this.role, env.access);
      return;
    }
    const stack = Stack.of(this);
    // SageMaker writes resource names in lower case in its ARNs.
    const arn = (resource: string, name: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: lowerCase(name) });
    // `?` matches one character: only `<prefix>-r<release id>`, never the
    // releases of another environment whose prefix starts with this one.
    const releases = `${env.releasePrefix}-r${'?'.repeat(releaseId('any').length - 1)}`;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'],
      resources: [arn('endpoint', env.endpointName)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DeleteEndpointConfig'],
      resources: [arn('endpoint-config', releases)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DeleteModel'],
      resources: [arn('model', releases)],
    }));
    if (env.monitoringPrefix) {
      // The schedules go before the endpoint (SageMaker keeps an endpoint that has one), then their job definitions.
      // The clean-up is not told whether the environment monitors model quality, so it looks for both schedules.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:DeleteMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule'],
        resources: [
          arn('monitoring-schedule', monitoringScheduleName(env.monitoringPrefix)),
          arn('monitoring-schedule', modelQualityScheduleName(env.monitoringPrefix)),
        ],
      }));
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:DeleteDataQualityJobDefinition'],
        resources: [arn('data-quality-job-definition', `${dataQualityDefinitionPrefix(env.monitoringPrefix)}-*`)],
      }));
      // A list action has no resource-level permissions; the handler keeps only the environment's definitions.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListDataQualityJobDefinitions'], resources: ['*'] }));
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:DeleteModelQualityJobDefinition'],
        resources: [arn('model-quality-job-definition', `${modelQualityDefinitionPrefix(env.monitoringPrefix)}-*`)],
      }));
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:ListModelQualityJobDefinitions'], resources: ['*'] }));
    }
    // Deregistering the variant deletes its target-tracking policy and the alarms
    // Application Auto Scaling made for it, which it names after the variant;
    // whoever deletes such a policy must be allowed to delete those alarms.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
      resources: [stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `TargetTracking-endpoint/${env.endpointName}/*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }));
  }

  /** What the handler may do in any environment: list, and deregister SageMaker variant scaling. */
  private grantTeardown(role: iam.IRole): void {
    // List and Describe actions have no resource-level permissions; the handler
    // keeps only the names of the environments' own releases.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:ListEndpointConfigs', 'sagemaker:ListModels', 'application-autoscaling:DescribeScalableTargets'],
      resources: ['*'],
    }));
    // A scalable target's ARN ends in an ID Application Auto Scaling assigns when
    // the target is registered, not in the endpoint's name, so no ARN known at
    // synthesis names this pipeline's targets. The conditions limit it to
    // SageMaker variants in this account and region; the handler deregisters
    // only its environments' variants.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['application-autoscaling:DeregisterScalableTarget'],
      resources: [Stack.of(this).formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' })],
      conditions: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'sagemaker',
          'application-autoscaling:scalable-dimension': VARIANT_DIMENSIONS,
        },
      },
    }));
  }

  private acknowledgeFindings(): void {
    justifyWildcards(this, [
      {
        finding: /^Resource::<[A-Za-z0-9]*(Function|framework)[A-Za-z0-9]*\.Arn>:\*$/,
        reason: 'lambda:InvokeFunction on the versions and aliases of the clean-up and framework functions, as CDK\'s grantInvoke writes it',
      },
      {
        finding: /^Resource::\*$/,
        reason: 'sagemaker:ListEndpointConfigs/ListModels/ListDataQualityJobDefinitions/ListModelQualityJobDefinitions and application-autoscaling:DescribeScalableTargets support no resource-level permissions',
      },
      {
        finding: /^Resource::arn:<AWS::Partition>:sagemaker:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):data-quality-job-definition\/[a-z0-9-]+-\*$/,
        reason: 'The data-quality job definitions of one monitored environment, one per baseline, named <prefix>-b<hash>',
      },
      {
        finding: /^Resource::arn:<AWS::Partition>:sagemaker:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):model-quality-job-definition\/[a-z0-9-]+-\*$/,
        reason: 'The model-quality job definitions of one monitored environment, one per baseline, named <prefix>-b<hash>',
      },
      {
        finding: /^Resource::arn:<AWS::Partition>:cloudwatch:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):alarm:TargetTracking-endpoint\/[A-Za-z0-9-]+\/\*$/,
        reason: 'The target-tracking alarms of one environment\'s endpoint, named by Application Auto Scaling after the endpoint and variant',
      },
      {
        finding: /^Resource::arn:<AWS::Partition>:application-autoscaling:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):scalable-target\/\*$/,
        reason: 'Scalable target ARNs end in an ID assigned at registration, not the endpoint name; limited to SageMaker variants by condition',
      },
    ]);
  }
}

function lowerCase(name: string): string {
  return Token.isUnresolved(name) ? name : name.toLowerCase();
}

/** The clean-up function and the CDK Provider framework that drives it. */
export interface CleanupProvider {
  readonly function: lambda.Function;
  readonly provider: cr.Provider;
}

/**
 * The clean-up function and its Provider framework, under `scope` with the
 * IDs `Logs`, `Role`, `Function`, `ProviderLogs`, `ProviderOnEventRole`,
 * `ProviderWaiterRole` and `Provider` (a pipeline's own, or the framework's shared one).
 */
export function createCleanupProvider(scope: Construct, logRetention: logs.RetentionDays): CleanupProvider {
  // CDK makes each function and the waiter state machine depend on their whole roles.
  removeRedundantDependsOn(scope);
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logRetention });
  // Its own role rather than the AWS managed basic execution policy.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Deletes the SageMaker resources of a pipeline\'s releases when its stack is deleted',
  });
  logGroup.grantWrite(role);
  const fn = new CleanupFunction(scope, 'Function', {
    runtime: newestNodeRuntime(),
    role,
    description: 'Deletes the SageMaker endpoints, release configs and models of an MLOps pipeline when its stack is deleted',
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    // One pass never waits for SageMaker; it starts deletions and checks on them.
    timeout: Duration.minutes(5),
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
  });

  // The framework's own functions get roles of their own too (one for onEvent,
  // one shared by isComplete and onTimeout, as the framework requires).
  const providerLogs = new logs.LogGroup(scope, 'ProviderLogs', { retention: logRetention });
  const frameworkRole = (id: string) => {
    const frameworkOwn = new iam.Role(scope, id, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the custom resource framework of ${scope.node.path}`,
    });
    providerLogs.grantWrite(frameworkOwn);
    return frameworkOwn;
  };
  const provider = new cr.Provider(scope, 'Provider', {
    onEventHandler: fn,
    isCompleteHandler: fn,
    queryInterval: QUERY_INTERVAL,
    totalTimeout: TOTAL_TIMEOUT,
    logGroup: providerLogs,
    frameworkOnEventRole: frameworkRole('ProviderOnEventRole'),
    frameworkCompleteAndTimeoutRole: frameworkRole('ProviderWaiterRole'),
    disableWaiterStateMachineLogging: true,
  });
  acknowledgeRule(provider, 'AwsSolutions-SF1',
    'CDK\'s Provider waiter only re-invokes the clean-up handler, which logs every pass itself; the execution history stays in Step Functions');
  acknowledgeRule(provider, 'AwsSolutions-SF2', 'CDK\'s Provider waiter state machine offers no X-Ray tracing option');
  // The framework's functions run the Node.js the library's own do, not the
  // one CDK's region facts name (nodejs20.x on older aws-cdk-lib, which Lambda
  // has deprecated): their code is CDK's plain JavaScript for any Node.js since 18.
  for (const frameworkFunction of provider.node.findAll().filter((c): c is lambda.Function => c instanceof lambda.Function)) {
    (frameworkFunction.node.defaultChild as lambda.CfnFunction).runtime = newestNodeRuntime().name;
  }
  return { function: fn, provider };
}
