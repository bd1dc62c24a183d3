import { ProductTemplate } from './product-templates';

/** One statement of a policy document found in a template, with where it is. */
export interface FoundStatement {
  /** `<template name> <logical ID>`, for reports. */
  readonly where: string;
  readonly resourceType: string;
  readonly statement: any;
}

/**
 * Every policy-document statement in the templates, wherever a resource holds
 * one (AWS::IAM::Policy and ManagedPolicy documents, a role's inline policies
 * and trust policy, bucket, topic, queue and key policies, or any resource
 * type added later): any object with a `Statement` under a resource's properties.
 */
export function allStatements(templates: readonly ProductTemplate[]): FoundStatement[] {
  const found: FoundStatement[] = [];
  for (const { name, template } of templates) {
    for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
      for (const document of policyDocuments(resource.Properties)) {
        for (const statement of asArray(document.Statement)) {
          found.push({ where: `${name} ${logicalId}`, resourceType: resource.Type, statement });
        }
      }
    }
  }
  return found;
}

/** Statements that grant the identity they are attached to (no Principal): IAM policies. */
export function identityStatements(templates: readonly ProductTemplate[]): FoundStatement[] {
  return allStatements(templates).filter(({ statement }) => !hasPrincipal(statement));
}

/** Statements that grant principals access to the resource holding them: resource and trust policies. */
export function resourcePolicyStatements(templates: readonly ProductTemplate[]): FoundStatement[] {
  return allStatements(templates).filter(({ statement }) => hasPrincipal(statement));
}

function hasPrincipal(statement: any): boolean {
  return statement.Principal !== undefined || statement.NotPrincipal !== undefined;
}

function policyDocuments(value: unknown): any[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(policyDocuments);
  const object = value as Record<string, unknown>;
  if ('Statement' in object) return [object];
  return Object.values(object).flatMap(policyDocuments);
}

export function asArray<T = any>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Read-only by IAM's naming: the verbs AWS uses for actions whose access
 * level is List or Read. A wildcard counts as read-only only once the verb is
 * complete (`s3:Get*` is, `s3:G*`, `s3:*` and `*` are not): it could match a write.
 */
const READ_ONLY_VERBS = ['Describe', 'Get', 'List', 'BatchGet', 'Head', 'Search', 'Query', 'Scan'];

/** Whether an action (`service:Name`, case-insensitive as IAM is) only reads. */
export function isReadOnlyAction(action: string): boolean {
  const name = action.split(':')[1] ?? '';
  return READ_ONLY_VERBS.some((verb) => name.toLowerCase().startsWith(verb.toLowerCase()));
}

/** The condition keys a statement tests, under any operator (`cloudwatch:namespace`, `aws:SourceArn`). */
export function conditionKeys(statement: any): string[] {
  return Object.values<Record<string, unknown>>(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
}

/**
 * Whether a Resource element names every resource: `*` itself, or an ARN
 * whose resource part is only `*` (every resource of a service in an account,
 * `arn:aws:sns:us-east-1:111111111111:*`).
 */
export function isWholeWildcard(resource: unknown): boolean {
  const text = asText(resource);
  if (text === '*') return true;
  const parts = text.split(':');
  return parts[0] === 'arn' && parts.length === 6 && parts[5] === '*';
}

/** Intrinsics as text, each reference a placeholder without a colon, so ARNs still split on `:`. */
function asText(value: any): string {
  if (typeof value === 'string') return value.replace(/\$\{[^}]*\}/g, '{ref}');
  if (value?.['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return items.map(asText).join(delimiter);
  }
  if (value?.['Fn::Sub'] !== undefined) return asText(asArray(value['Fn::Sub'])[0]);
  return '{ref}';
}
