import type { ActingRole } from './acting-role';
import { requiredPermissions, RequiredPermission } from './authorization-map';
import type { HandlerCall, HandlerCallLog } from './handler-call-log';
import type { PolicyWorld } from './policy-world';
import { AuthorizationRequest, evaluate, PolicyContext, Verdict } from '../iam/policy-evaluator';
import type { DeployedRole } from '../iam/role-policies';

/** A call evaluated against the policies of the role it acted as. */
export interface EvaluatedCall {
  readonly handler: string;
  /** `SageMaker CreateModel`. */
  readonly call: string;
  /** The role (or assumed-role session) it acted as. */
  readonly principal: string;
  readonly world: string;
  readonly roleLogicalId: string;
  readonly checked: number;
  /** Every authorization the call needs that IAM would refuse, each with why. */
  readonly denied: readonly string[];
  /** The statements that allowed it, as `<policy>#<index>`, for the report of grants nothing uses. */
  readonly usedStatements: readonly string[];
  /** The role whose policies were weighed (not written to the run's report). */
  readonly role?: DeployedRole;
}

/**
 * Evaluates one product call with iam-simulate: each authorization the call
 * needs (authorization-map.ts), as the principal it acted as, with that
 * role's identity policies and the resource's own policy in the world.
 */
export async function evaluateCall(recorded: HandlerCall, log: HandlerCallLog, testName: string): Promise<EvaluatedCall> {
  const { call } = recorded;
  const name = `${call.service} ${call.operation}`;
  const principal = principalOf(recorded, log);
  if (!principal) {
    return {
      handler: 'unknown',
      call: name,
      principal: 'none',
      world: 'none',
      roleLogicalId: 'none',
      checked: 0,
      usedStatements: [],
      denied: [`${name} was made by product code, but no role is declared for it in "${testName}": `
        + 'call handlerCallsActAs(...) in the test file (or actingAs(...) around the handler), naming the role its function runs as'],
    };
  }
  const { acting, role, sessionArn, sessionTags } = principal;
  const world = acting.world;
  let needed: RequiredPermission[];
  try {
    needed = requiredPermissions(call, {
      account: accountOf(role.arn),
      region: call.region ?? 'us-east-1',
      bucketKey: (bucket) => world.bucketKey(bucket),
      bucketRegion: (bucket) => world.bucketRegion(bucket),
      topicKey: (topic) => world.topicKey(topic),
      scalableTargetTags: () => recorded.scalableTargetTags,
    });
  } catch (err) {
    const where = { handler: acting.handler, call: name, principal: sessionArn ?? role.arn, world: world.name, roleLogicalId: role.logicalId };
    return { ...where, checked: 0, usedStatements: [], denied: [(err as Error).message] };
  }
  const denied: string[] = [];
  const used = new Set<string>();
  for (const permission of needed) {
    const owner = bucketOwner(permission.resource, world, role);
    const context = { ...(permission.context ?? {}), ...principalTags(sessionTags), ...(owner ? { 's3:ResourceAccount': owner } : {}) };
    const verdict = await evaluateOnce(
      world,
      role,
      { principal: sessionArn ?? role.arn, action: permission.action, resource: permission.resource, context, resourceAccount: owner },
      { identityPolicies: role.policies, resourcePolicy: permission.resource === '*' ? undefined : world.resourcePolicy(permission.resource) },
      (statement) => used.add(statement),
    );
    if (verdict.kind !== 'allowed') {
      const because = permission.because ? ` (needed because ${permission.because})` : '';
      denied.push(`${permission.action} on ${permission.resource}${because}: ${verdict.reason}`);
    }
  }
  return {
    handler: acting.handler,
    call: name,
    principal: sessionArn ?? role.arn,
    world: world.name,
    roleLogicalId: role.logicalId,
    checked: needed.length,
    denied,
    usedStatements: [...used],
    role,
  };
}

/** A verdict and the statements that allowed it, as iam-simulate gave them. */
interface Remembered {
  readonly verdict: Promise<Verdict>;
  readonly allowedBy: string[];
}

/** Verdicts by world and role (which fix every policy weighed), and request. */
const verdicts = new WeakMap<PolicyWorld, WeakMap<DeployedRole, Map<string, Remembered>>>();

/**
 * Evaluates a request once per role, principal, action, resource and
 * context, and answers the same request again from memory: the policies
 * weighed are the role's and the resource's in the role's world, which does
 * not change, so the verdict cannot either. A test file that makes the same
 * calls hundreds of times (the load tests) pays for each distinct one once.
 */
function evaluateOnce(
  world: PolicyWorld,
  role: DeployedRole,
  request: AuthorizationRequest,
  policies: PolicyContext,
  allowedBy: (statement: string) => void,
): Promise<Verdict> {
  let roles = verdicts.get(world);
  if (!roles) {
    roles = new WeakMap();
    verdicts.set(world, roles);
  }
  let known = roles.get(role);
  if (!known) {
    known = new Map();
    roles.set(role, known);
  }
  const key = JSON.stringify([request.principal, request.action, request.resource, request.resourceAccount, sortedEntries(request.context ?? {})]);
  let remembered = known.get(key);
  if (!remembered) {
    const statements: string[] = [];
    remembered = { verdict: evaluate(request, policies, (statement) => statements.push(statement)), allowedBy: statements };
    known.set(key, remembered);
  }
  const { verdict, allowedBy: statements } = remembered;
  return verdict.then((result) => {
    statements.forEach(allowedBy);
    return result;
  });
}

/**
 * The account that owns an S3 resource (its ARN names none): the account of
 * the world's stack that has the bucket, else the acting role's (a bucket the
 * world does not define is taken to be the caller's, as before). S3 puts it
 * in every request as s3:ResourceAccount, and IAM weighs the bucket's policy
 * for a principal of another account. Undefined for other resources.
 */
function bucketOwner(resource: string, world: PolicyWorld, role: DeployedRole): string | undefined {
  if (!resource.startsWith('arn:aws:s3:::')) {
    return undefined;
  }
  return world.bucketAccount(resource.slice('arn:aws:s3:::'.length).split('/')[0]) ?? accountOf(role.arn);
}

/** A context's entries in key order, so two equal contexts make one key. */
function sortedEntries(context: { readonly [key: string]: string | readonly string[] }): Array<[string, string | readonly string[]]> {
  return Object.keys(context).sort().map((key) => [key, context[key]]);
}

interface Principal {
  readonly acting: ActingRole;
  readonly role: DeployedRole;
  readonly sessionArn?: string;
  readonly sessionTags?: { readonly [key: string]: string };
}

/** The role whose credentials signed the call: an assumed role's session, or the declared role. */
function principalOf(recorded: HandlerCall, log: HandlerCallLog): Principal | undefined {
  const session = log.sessionOf(recorded.call);
  if (session) {
    const acting = (session.assumedBy ?? recorded.acting)?.();
    const role = acting?.world.roleByArn(session.roleArn);
    if (acting && role) {
      const sessionArn = `arn:aws:sts::${accountOf(role.arn)}:assumed-role/${role.name}/${session.sessionName}`;
      return { acting: { ...acting, role }, role, sessionArn, sessionTags: session.tags };
    }
    if (acting) {
      throw new Error(`${recorded.call.service} ${recorded.call.operation} acted as ${session.roleArn}, which is no role of world ${acting.world.name}`);
    }
  }
  const acting = recorded.acting?.();
  return acting && { acting, role: acting.role };
}

/** A session's tags, as the condition keys its calls carry. */
function principalTags(tags: { readonly [key: string]: string } | undefined): { [key: string]: string } {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v]));
}

function accountOf(arn: string): string {
  return arn.split(':')[4];
}
