import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { justifyWildcards } from '../nag/acknowledgements';
import { SharedHandlerSettings } from '../contract/provision-settings';
import { createCleanupProvider } from '../pipeline/cleanup/release-cleanup';
import { DeployFunction } from '../pipeline/deploy/deploy-function';
import { DriftMetricsPublisher, createDriftMetricsPublisher } from '../pipeline/monitoring/drift-alarms';
import { ShareFunction } from '../pipeline/share/share-function';
import { createHandlerFunction } from '../pipeline/shared/handler-function';
import { TestFunction } from '../pipeline/integration-tests/test-function';

/** Props of {@link SharedPipelineHandlers}. */
export interface SharedPipelineHandlersProps {
  /** The framework's pipeline stacks are `<stackPrefix><name>`, and so are their roles' names. */
  readonly stackPrefix: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The deploy, test, share and release clean-up handlers every pipeline the
 * framework provisions uses by ARN. Their own roles may only report
 * CodePipeline job results, write their logs and assume the roles of the
 * framework's pipeline stacks: each pipeline's permissions live in its own
 * stack, in the role its handlers assume for it.
 *
 * Also the one drift-metrics publisher of the framework's pipelines: a
 * pipeline stack has its drift alarms but no function of its own (a
 * blueprint carries no code), so this one publishes the metrics of every
 * finished Model Monitor run in the account and region, whatever its
 * schedule. The provisioned pipelines' endpoint names share no prefix to
 * narrow that to; a pipeline made with ByomPipeline in the same account and
 * region publishes the same values for its own schedules, which its alarms
 * read alike.
 */
export class SharedPipelineHandlers extends Construct {
  public readonly deploy: lambda.IFunction;
  public readonly test: lambda.IFunction;
  public readonly share: lambda.IFunction;
  /** The clean-up's custom resource provider (its service token goes into every pipeline stack). */
  public readonly cleanupServiceToken: string;
  /** What the provisioning handler passes to each pipeline stack. */
  public readonly settings: SharedHandlerSettings;
  /** The function, rule and dead-letter queue that publish every Model Monitor run's metrics. */
  public readonly driftMetrics: DriftMetricsPublisher;

  constructor(scope: Construct, id: string, props: SharedPipelineHandlersProps) {
    super(scope, id);
    const pipelineRoles = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${props.stackPrefix}*` });
    type Create = (s: Construct, i: string, o: lambda.FunctionOptions) => lambda.Function;
    const handler = (handlerId: string, what: string, timeout: Duration, create: Create) => {
      const made = createHandlerFunction(new Construct(this, handlerId), {
        roleDescription: `Runs the ${what} of every pipeline the MLOps framework provisions, as each pipeline's own role`,
        functionDescription: `Shared ${what} handler of the pipelines named ${props.stackPrefix}*`,
        timeout,
        logRetention: props.logRetention,
        createFunction: create,
      });
      made.role.addToPrincipalPolicy(assumePipelineRoles(pipelineRoles));
      // CodePipeline's job actions have no resource-level permissions: AWS requires '*'.
      // GetJobDetails tells the function which pipeline a job belongs to (the
      // tag its session of the pipeline's role must carry); the results report it.
      made.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codepipeline:GetJobDetails', 'codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
        resources: ['*'],
      }));
      return made;
    };
    const deploy = handler('Deploy', 'deploy steps', Duration.minutes(2), (s, i, o) => new DeployFunction(s, i, o));
    const test = handler('Test', 'integration tests', Duration.minutes(5), (s, i, o) => new TestFunction(s, i, o));
    const share = handler('Share', 'share steps', Duration.minutes(1), (s, i, o) => new ShareFunction(s, i, o));
    const cleanup = createCleanupProvider(new Construct(this, 'Cleanup'), props.logRetention);
    cleanup.function.addToRolePolicy(assumePipelineRoles(pipelineRoles));

    this.driftMetrics = createDriftMetricsPublisher(new Construct(this, 'DriftMetrics'), {
      owner: `the pipelines named ${props.stackPrefix}* (every monitoring schedule in the account and region)`,
      logRetention: props.logRetention,
      // Empty: every schedule.
      schedulePrefixes: [],
    });

    this.deploy = deploy.function;
    this.test = test.function;
    this.share = share.function;
    this.cleanupServiceToken = cleanup.provider.serviceToken;
    this.settings = {
      deploy: { functionArn: deploy.function.functionArn, roleArn: deploy.role.roleArn },
      test: { functionArn: test.function.functionArn, roleArn: test.role.roleArn },
      share: { functionArn: share.function.functionArn, roleArn: share.role.roleArn },
      cleanup: { serviceToken: cleanup.provider.serviceToken, roleArn: cleanup.function.role!.roleArn },
    };
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'codepipeline:GetJobDetails/PutJobSuccessResult/PutJobFailureResult support no resource-level permissions' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group, or versions of the clean-up and framework functions as CDK\'s grantInvoke writes them' },
      { finding: /^Resource::arn:<AWS::Partition>:iam::([0-9]+|<AWS::AccountId>):role\/[A-Za-z0-9-]+\*$/, reason: 'The roles of the framework\'s pipeline stacks, which CloudFormation names after the stacks (<prefix><name>-...); each role trusts only this function\'s role, in a session tagged with that role\'s own pipeline or stack' },
    ]);
  }
}

/**
 * Assuming the pipelines' roles, in sessions tagged with the pipeline (or
 * stack) each acts for: STS requires sts:TagSession for that, here and in
 * each role's trust policy, which is what checks the tag's value.
 */
function assumePipelineRoles(pipelineRoles: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [pipelineRoles] });
}
