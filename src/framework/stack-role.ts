import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FRAMEWORK_TAG } from '../contract/stack-tags';
import { STACK_ROLE_RESOURCE_ACTIONS, STACK_ROLE_UNSCOPED_ACTIONS } from './stack-role-actions';
import { justifyWildcards } from '../nag/acknowledgements';

/** Props of a {@link PipelineStackRole}. */
export interface PipelineStackRoleProps {
  /** Pipeline stacks are `<stackPrefix><name>`; CloudFormation names their resources after the stack. */
  readonly stackPrefix: string;
  /** The release clean-up's custom resource provider, which CloudFormation invokes for every pipeline stack. */
  readonly cleanupServiceToken: string;
}

/**
 * The services the blueprints hand a role to: the pipeline's role to
 * CodePipeline, the start rule's role to EventBridge, the inference API's
 * role to API Gateway, the image build's role to CodeBuild.
 */
const ROLES_PASSED_TO = ['codepipeline.amazonaws.com', 'events.amazonaws.com', 'apigateway.amazonaws.com', 'codebuild.amazonaws.com'];

/**
 * The role CloudFormation assumes to create, update and delete the pipeline
 * stacks the framework provisions. Its actions are exactly what the
 * CloudFormation handlers of the blueprints' resource types may use (the
 * registry schemas, generated into stack-role-actions.ts); each is limited to
 * what the pipeline stacks hold: where CloudFormation's generated names allow
 * it, resources named after a framework stack (`<stack name>-<logical id>-<suffix>`),
 * keys by the framework's tag, roles passed only to the services the
 * blueprints pass them to, and managed policies attached only when they are
 * the stacks' own.
 */
export class PipelineStackRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineStackRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.stackPrefix;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `Creates, updates and deletes the MLOps pipeline stacks named ${prefix}*`,
    });
    const scopes = resourceScopes(stack, prefix, props.cleanupServiceToken);
    for (const [service, actions] of Object.entries(STACK_ROLE_RESOURCE_ACTIONS)) {
      const statementsFor = scopes[service];
      if (!statementsFor) {
        throw new Error(`PipelineStackRole: the blueprints use ${service} actions (${actions.join(', ')}), and no scope for ${service} resources is defined`);
      }
      for (const statement of statementsFor(actions)) {
        this.role.addToPrincipalPolicy(statement);
      }
    }
    for (const [service, actions] of Object.entries(STACK_ROLE_UNSCOPED_ACTIONS)) {
      this.role.addToPrincipalPolicy(unscopedStatement(service, [...actions], prefix));
    }

    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'Actions IAM authorizes on no resource: kms:CreateKey (only with the framework\'s tag) and CloudWatch Logs\' account-level calls that the log group handler uses' },
      { finding: /^Resource::arn:<AWS::Partition>:[a-z0-9-]+:[^*]*\*/, reason: 'Resources CloudFormation names after the framework\'s pipeline stacks, keys carrying the framework\'s tag, or (CodeBuild projects, SSM parameters, alarms, REST APIs) generated names with no stack prefix, limited to that resource type' },
    ]);
  }
}

type StatementsFor = (actions: readonly string[]) => iam.PolicyStatement[];

/** How each service's actions are narrowed to the pipeline stacks' resources. */
function resourceScopes(stack: Stack, prefix: string, cleanupServiceToken: string): { [service: string]: StatementsFor } {
  const lower = prefix.toLowerCase();
  const partition = stack.partition;
  const arn = (service: string, resource: string) => `arn:${partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const on = (resources: string[], conditions?: iam.Conditions): StatementsFor => (actions) =>
    [new iam.PolicyStatement({ actions: [...actions], resources, conditions })];
  const roles = `arn:${partition}:iam::${stack.account}:role/${prefix}*`;
  const policies = `arn:${partition}:iam::${stack.account}:policy/${prefix}*`;
  return {
    iam: (actions) => {
      const passRole: string[] = actions.filter((a) => a === 'iam:PassRole');
      const attach = actions.filter((a) => /^iam:(Attach|Detach)RolePolicy$/.test(a));
      const rest = actions.filter((a) => !passRole.includes(a) && !attach.includes(a));
      return [
        new iam.PolicyStatement({ actions: rest, resources: [roles, policies] }),
        // A stack role could otherwise hand a pipeline role to any service, or attach any managed policy (AdministratorAccess) to it.
        ...(passRole.length ? [new iam.PolicyStatement({ actions: passRole, resources: [roles], conditions: { StringEquals: { 'iam:PassedToService': ROLES_PASSED_TO } } })] : []),
        ...(attach.length ? [new iam.PolicyStatement({ actions: attach, resources: [roles], conditions: { ArnLike: { 'iam:PolicyARN': policies } } })] : []),
      ];
    },
    s3: on([`arn:${partition}:s3:::${lower}*`]),
    // Key IDs are random: keys are the framework's by the tag every pipeline stack carries.
    kms: on([arn('kms', 'key/*')], { StringEquals: { [`aws:ResourceTag/${FRAMEWORK_TAG}`]: prefix } }),
    logs: on([arn('logs', `log-group:${prefix}*`)]),
    sns: on([arn('sns', `${prefix}*`)]),
    events: on([arn('events', `rule/${prefix}*`)]),
    codepipeline: on([arn('codepipeline', `${prefix}*`)]),
    ecr: on([arn('ecr', `repository/${lower}*`)]),
    // CloudFormation names CodeBuild projects and SSM parameters without the
    // stack's name, alarms are named after endpoints, and API Gateway APIs get
    // random IDs: these are limited to the service's resource type, never '*'.
    codebuild: on([arn('codebuild', 'project/*')]),
    ssm: on([arn('ssm', 'parameter/CFN-*')]),
    cloudwatch: on([arn('cloudwatch', 'alarm:*')]),
    apigateway: on([
      `arn:${partition}:apigateway:${stack.region}::/restapis`,
      `arn:${partition}:apigateway:${stack.region}::/restapis/*`,
      `arn:${partition}:apigateway:${stack.region}::/tags/*`,
    ]),
    // CloudFormation invokes only the release clean-up's provider (the blueprints' one custom resource).
    lambda: on([cleanupServiceToken]),
  };
}

/**
 * Actions IAM authorizes on no resource. Creating a key is the one write the
 * stack role must do on '*': only with the framework's tag on the request.
 */
function unscopedStatement(service: string, actions: string[], prefix: string): iam.PolicyStatement {
  if (service === 'kms') {
    return new iam.PolicyStatement({
      actions: [...actions, 'kms:TagResource'],
      resources: ['*'],
      conditions: { StringEquals: { [`aws:RequestTag/${FRAMEWORK_TAG}`]: prefix } },
    });
  }
  return new iam.PolicyStatement({ actions, resources: ['*'] });
}
