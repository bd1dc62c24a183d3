import type { PipelineStackDeployment } from './framework-deployment';
import type { DeployedResource, DeployedStack } from '../cloudformation/deployed-stack';
import { Handler, HANDLERS, HandlerPermissions, handlerPermissions } from '../cloudformation/registry-schemas';
import { AuthorizationRequest, evaluate, takesNoResource, Verdict } from '../iam/policy-evaluator';
import { DeployedRole, resourcePolicyOf } from '../iam/role-policies';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** What one permission a CloudFormation handler may use came to, on one resource. */
export interface PermissionCheck {
  readonly logicalId: string;
  readonly type: string;
  readonly handler: Handler;
  readonly action: string;
  /** The ARN it was evaluated on (`*` for an action that takes no resource); empty when not applicable. */
  readonly resource: string;
  readonly outcome: 'allowed' | 'denied' | 'not-applicable' | 'not-an-action';
  readonly reason?: string;
}

/**
 * Permissions CloudFormation's handlers use for types whose registry schema
 * lists none: legacy types (the CodeBuild API reference: CreateProject and
 * UpdateProject pass the service role), and custom resources (CloudFormation
 * invokes the service token's function).
 */
function supplementedPermissions(type: string): HandlerPermissions | undefined {
  if (type === 'AWS::CodeBuild::Project') {
    return {
      create: ['codebuild:CreateProject', 'codebuild:BatchGetProjects', 'iam:PassRole'],
      read: ['codebuild:BatchGetProjects'],
      update: ['codebuild:UpdateProject', 'codebuild:BatchGetProjects', 'iam:PassRole'],
      delete: ['codebuild:DeleteProject', 'codebuild:BatchGetProjects'],
    };
  }
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
    return { create: ['lambda:InvokeFunction'], read: [], update: ['lambda:InvokeFunction'], delete: ['lambda:InvokeFunction'] };
  }
  return undefined;
}

/** The service a resource type hands a role to (`iam:PassedToService`). */
const PASSED_TO: { readonly [type: string]: string } = {
  'AWS::CodePipeline::Pipeline': 'codepipeline.amazonaws.com',
  'AWS::Events::Rule': 'events.amazonaws.com',
  'AWS::ApiGateway::Method': 'apigateway.amazonaws.com',
  'AWS::ApiGateway::RestApi': 'apigateway.amazonaws.com',
  'AWS::ApiGateway::Account': 'apigateway.amazonaws.com',
  'AWS::CodeBuild::Project': 'codebuild.amazonaws.com',
  'AWS::SNS::Subscription': 'sns.amazonaws.com',
  'AWS::SNS::Topic': 'sns.amazonaws.com',
  'AWS::S3::Bucket': 's3.amazonaws.com',
  'AWS::Lambda::Function': 'lambda.amazonaws.com',
};

/**
 * Evaluates, with a real IAM evaluator, every permission the registry schemas
 * list for the create, read, update and delete handlers of every resource in
 * a deployed stack, as CloudFormation would use them under `role`: on the
 * resource's own ARN, or on the resources its properties name (a role passed,
 * a key used), or on `*` for actions that take no resource; with the stack's
 * tags on the request and on the resources, and the resources' own policies.
 * A permission whose resource kind the resource neither is nor names (a
 * connection a pipeline without one would pass) is not applicable.
 */
export async function checkStackPermissions(deployment: PipelineStackDeployment, role: DeployedRole): Promise<PermissionCheck[]> {
  const checks: PermissionCheck[] = [];
  for (const resource of deployment.stack.resources.values()) {
    const permissions = handlerPermissions(resource.type, deployment.stack.region) ?? supplementedPermissions(resource.type);
    if (!permissions) {
      throw new Error(`${resource.logicalId}: no handler permissions are known for ${resource.type}`);
    }
    for (const handler of HANDLERS) {
      for (const action of new Set(permissions[handler])) {
        checks.push(...await checkPermission(deployment, role, resource, handler, action));
      }
    }
  }
  return checks;
}

async function checkPermission(
  deployment: PipelineStackDeployment, role: DeployedRole, resource: DeployedResource, handler: Handler, action: string,
): Promise<PermissionCheck[]> {
  const base = { logicalId: resource.logicalId, type: resource.type, handler, action };
  const attempt = async (arn: string) => {
    const contexts = contextsFor(deployment, resource, handler, action, arn);
    if (contexts.length === 0) {
      return { kind: 'wrong-resource' as const, reason: `no managed policy is attached to ${arn}` };
    }
    const verdicts = [];
    for (const context of contexts) {
      verdicts.push(await evaluateOnce(deployment, role, { principal: role.arn, action, resource: arn, context }));
    }
    return verdicts.find((v) => v.kind !== 'allowed') ?? verdicts[0];
  };
  const toCheck = (arn: string, verdict: Awaited<ReturnType<typeof attempt>>): PermissionCheck => {
    switch (verdict.kind) {
      case 'allowed': return { ...base, resource: arn, outcome: 'allowed' };
      case 'denied': return { ...base, resource: arn, outcome: 'denied', reason: verdict.reason };
      case 'unknown-action': return { ...base, resource: '', outcome: 'not-an-action', reason: verdict.reason };
      default: return { ...base, resource: arn, outcome: 'not-applicable', reason: verdict.reason };
    }
  };

  if (resource.type.startsWith('Custom::')) {
    const token = resource.properties.ServiceToken;
    return [toCheck(token, await attempt(token))];
  }
  if (await takesNoResource(action)) {
    return [toCheck('*', await attempt('*'))];
  }
  // The resource itself first; then what its properties name.
  const results: PermissionCheck[] = [];
  for (const arn of ownArns(resource, deployment.stack)) {
    const verdict = await attempt(arn);
    if (verdict.kind === 'unknown-action') return [toCheck(arn, verdict)];
    if (verdict.kind !== 'wrong-resource') results.push(toCheck(arn, verdict));
  }
  if (results.length > 0) return results;
  for (const arn of referencedArns(resource)) {
    const verdict = await attempt(arn);
    if (verdict.kind === 'unknown-action') return [toCheck(arn, verdict)];
    if (verdict.kind !== 'wrong-resource') results.push(toCheck(arn, verdict));
  }
  if (results.length > 0) return results;
  return [{ ...base, resource: '', outcome: 'not-applicable', reason: `${resource.logicalId} neither is nor names a resource ${action} acts on` }];
}

/** Verdicts of a deployment's requests: its handlers ask for many of the same permissions on the same resource. */
const verdicts = new WeakMap<PipelineStackDeployment, Map<string, Promise<Verdict>>>();

/**
 * Evaluates a request once per deployment: create, read, update and delete
 * handlers list many of the same actions, and the policies weighed (the
 * role's and the resource's in that deployment) do not change.
 */
function evaluateOnce(deployment: PipelineStackDeployment, role: DeployedRole, request: AuthorizationRequest): Promise<Verdict> {
  let known = verdicts.get(deployment);
  if (!known) {
    known = new Map();
    verdicts.set(deployment, known);
  }
  const key = JSON.stringify([request.action, request.resource, Object.entries(request.context ?? {}).sort()]);
  let verdict = known.get(key);
  if (!verdict) {
    verdict = evaluate(request, {
      identityPolicies: role.policies,
      resourcePolicy: request.resource === '*' ? undefined : resourcePolicyOf(deployment.stack, request.resource),
    });
    known.set(key, verdict);
  }
  return verdict;
}

/** The ARNs a resource is authorized by: its own, or for attachments the resources they attach to. */
function ownArns(resource: DeployedResource, stack: DeployedStack): string[] {
  const p = resource.properties;
  const roleArn = (name: string) => [...stack.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && r.ref === name)?.arn
    ?? `arn:aws:iam::${stack.account}:role/${name}`;
  switch (resource.type) {
    case 'AWS::IAM::Policy': return (p.Roles ?? []).map(roleArn);
    case 'AWS::IAM::ManagedPolicy': return [resource.arn!, ...(p.Roles ?? []).map(roleArn)];
    case 'AWS::S3::BucketPolicy': return [`arn:aws:s3:::${p.Bucket}`];
    case 'AWS::SNS::TopicPolicy': return p.Topics ?? [];
    case 'AWS::SNS::Subscription': return [p.TopicArn, resource.arn!];
    // API Gateway authorizes a create (POST) on the collection the new resource joins.
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::ApiGateway::Deployment':
    case 'AWS::ApiGateway::Stage':
    case 'AWS::ApiGateway::Resource':
    case 'AWS::ApiGateway::RequestValidator':
      return [resource.arn!, resource.arn!.replace(/\/[^/]+$/, '')];
    default: return resource.arn ? [resource.arn] : [];
  }
}

/** Every ARN the resource's properties name. */
function referencedArns(resource: DeployedResource): string[] {
  const found = new Set<string>();
  const walk = (node: any) => {
    if (typeof node === 'string') {
      if (/^arn:aws[a-z-]*:/.test(node) && node !== resource.arn) found.add(node.replace(/:\*$/, ''));
    } else if (Array.isArray(node)) {
      node.forEach(walk);
    } else if (node && typeof node === 'object') {
      Object.values(node).forEach(walk);
    }
  };
  walk(resource.properties);
  return [...found];
}

/**
 * The request contexts to evaluate a permission in. One, except for
 * attaching and detaching managed policies: once per policy
 * (`iam:PolicyARN`), and none (never called) for a role without any.
 */
function contextsFor(
  deployment: PipelineStackDeployment, resource: DeployedResource, handler: Handler, action: string, arn: string,
): Array<{ [key: string]: string | string[] }> {
  const name = action.split(':')[1];
  const context: { [key: string]: string | string[] } = { 'aws:SecureTransport': 'true' };
  // An action on no resource, of the resource's own service, is the resource's (kms:CreateKey for a key).
  const ownService = resource.type.split('::')[1]?.toLowerCase() === action.split(':')[0];
  const own = ownArns(resource, deployment.stack).includes(arn) || (arn === '*' && ownService);
  // The call that creates a resource carries its tags; every later call finds them on it.
  if (own) {
    const tags = { ...deployment.tags, ...resourceTags(resource) };
    if ((handler === 'create' && /^(Create|Put|Register|Subscribe|POST)/.test(name)) || /^Tag/.test(name)) {
      for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
      context['aws:TagKeys'] = Object.keys(tags);
    }
    if (!(handler === 'create' && name.startsWith('Create'))) {
      for (const [key, value] of Object.entries(tags)) context[`aws:ResourceTag/${key}`] = value;
    }
  } else {
    // Another resource of the stack the properties name (a key, a role) carries the stack's tags and its own.
    const target = [...deployment.stack.resources.values()].find((r) => r.arn === arn || r.ref === arn);
    if (target) {
      for (const [key, value] of Object.entries({ ...deployment.tags, ...resourceTags(target) })) context[`aws:ResourceTag/${key}`] = value;
    }
  }
  if (action === 'iam:PassRole' && PASSED_TO[resource.type]) {
    context['iam:PassedToService'] = PASSED_TO[resource.type];
  }
  if (/^iam:(Attach|Detach)RolePolicy$/.test(action)) {
    const policies = policiesAttachedTo(resource, arn, deployment.stack);
    return policies.map((policy) => ({ ...context, 'iam:PolicyARN': policy }));
  }
  return [context];
}

/** The managed policies CloudFormation attaches to (or detaches from) the role `roleArn`. */
function policiesAttachedTo(resource: DeployedResource, roleArn: string, stack: DeployedStack): string[] {
  if (resource.type === 'AWS::IAM::ManagedPolicy') {
    return [resource.arn!];
  }
  const role = [...stack.resources.values()].find((r) => r.arn === roleArn);
  const attached = new Set<string>(role?.properties.ManagedPolicyArns ?? []);
  for (const r of stack.resources.values()) {
    if (r.type === 'AWS::IAM::ManagedPolicy' && role && (r.properties.Roles ?? []).includes(role.ref)) attached.add(r.arn!);
  }
  return [...attached];
}

function resourceTags(resource: DeployedResource): { [key: string]: string } {
  const tags = resource.properties.Tags;
  if (Array.isArray(tags)) {
    return Object.fromEntries(tags.map((t: any) => [t.Key, String(t.Value)]));
  }
  return tags && typeof tags === 'object' ? { ...tags } : {};
}
