import { Annotations, Aspects, AspectPriority, CfnResource, IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRule } from '../nag/acknowledgements';

/**
 * The id of the synth-time warning about API Gateway's logging role; an app
 * whose account already has the role silences it with
 * `Annotations.of(stack).acknowledgeWarning('cdk-mlops-framework:apiGatewayLoggingRole')`.
 */
export const LOGGING_ROLE_WARNING = 'cdk-mlops-framework:apiGatewayLoggingRole';

/** The AWS managed policy that lets API Gateway write to CloudWatch Logs. */
const PUSH_TO_CLOUDWATCH_LOGS = 'service-role/AmazonAPIGatewayPushToCloudWatchLogs';

/**
 * API Gateway's account-level CloudWatch Logs role: a role API Gateway
 * assumes, with AWS's managed policy for writing logs, set on the account
 * and region (AWS::ApiGateway::Account). Access and execution logging, which
 * every API of this library has, need it: in an account and region that has
 * never had it, the first stack with such an API fails to deploy.
 *
 * The setting is one per account and region. A stack that creates it sets it
 * to its own role, replacing the one there; with two such stacks the one
 * deployed last wins. Both the role and the setting are kept when the stack
 * is deleted (RemovalPolicy.RETAIN): every API in the region logs through
 * that role, and a setting that names a deleted role stops them all.
 */
export class ApiGatewayLoggingRole extends Construct {
  /** The role API Gateway writes logs with. */
  public readonly role: iam.Role;
  /** The account and region's API Gateway settings. */
  public readonly account: apigateway.CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Lets API Gateway write the access and execution logs of every REST API in this account and region',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(PUSH_TO_CLOUDWATCH_LOGS)],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeRule(this.role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${PUSH_TO_CLOUDWATCH_LOGS}]`,
      'API Gateway\'s account-level logging role, which apiGatewayLoggingRole asked for: AWS maintains its policy for every API in the region');
  }
}

/** Marks a stack whose APIs were registered for the check. */
const APIS = Symbol.for('cdk-mlops-framework.apiGatewayLoggingApis');

/** An API that writes logs, and its stage: the resource API Gateway refuses without the account's logging role. */
interface LoggingApi {
  readonly api: IConstruct;
  readonly stage: IConstruct;
}

/**
 * Records that `api` (an API Gateway REST API whose `stage` writes access
 * logs) needs the account's logging role. At synthesis, when its stack has
 * an AWS::ApiGateway::Account of any origin (this library's, `cloudWatchRole:
 * true` on an API, or the app's own `CfnAccount`), the stage waits for it:
 * CloudFormation would otherwise create both at once, and the stage could
 * come first. When the stack has none, one warning (on its first such API)
 * says what to do.
 */
export function expectApiGatewayLoggingRole(api: IConstruct, stage: IConstruct): void {
  const stack = Stack.of(api);
  const holder = stack as unknown as { [APIS]?: LoggingApi[] };
  if (!holder[APIS]) {
    holder[APIS] = [];
    // Mutating: it may add the stages' dependencies on the account setting.
    Aspects.of(stack).add(new LoggingRoleCheck(stack, holder[APIS]), { priority: AspectPriority.MUTATING });
  }
  holder[APIS].push({ api, stage });
}

class LoggingRoleCheck implements IAspect {
  private checked = false;

  constructor(private readonly stack: Stack, private readonly apis: LoggingApi[]) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.checked) {
      return;
    }
    this.checked = true;
    const accounts = this.stack.node.findAll()
      .filter((c) => CfnResource.isCfnResource(c) && c.cfnResourceType === apigateway.CfnAccount.CFN_RESOURCE_TYPE_NAME);
    if (accounts.length > 0) {
      for (const { stage } of this.apis) stage.node.addDependency(...accounts);
      return;
    }
    // On the first API rather than the stack: an acknowledgement on a scope covers the warnings below it.
    Annotations.of(this.apis[0].api).addWarningV2(LOGGING_ROLE_WARNING, [
      `${this.apis.map(({ api }) => api.node.path).join(', ')} write${this.apis.length === 1 ? 's' : ''} access logs,`,
      'which needs API Gateway\'s account-level CloudWatch Logs role in this account and region.',
      'Where the account has never had one, the first deploy fails ("CloudWatch Logs role ARN must be set in account settings to enable logging").',
      'Set apiGatewayLoggingRole: true on one ByomPipeline or MlopsFramework in one stack per account and region (or add an apigateway.CfnAccount),',
      `or, if the account already has the role, acknowledge this warning: Annotations.of(stack).acknowledgeWarning('${LOGGING_ROLE_WARNING}').`,
    ].join(' '));
  }
}
