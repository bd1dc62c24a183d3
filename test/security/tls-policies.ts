import { asArray } from './policy-statements';
import { ProductTemplate } from './product-templates';

/** A resource of one type in a template, with its logical ID. */
export interface FoundResource {
  /** `<template name> <logical ID>`, for reports. */
  readonly where: string;
  readonly logicalId: string;
  readonly properties: any;
  readonly template: ProductTemplate;
}

/** Every resource of a type across the templates. */
export function resourcesOfType(templates: readonly ProductTemplate[], type: string): FoundResource[] {
  return templates.flatMap((template) => Object.entries<any>(template.template.Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([logicalId, resource]) => ({ where: `${template.name} ${logicalId}`, logicalId, properties: resource.Properties ?? {}, template })));
}

/** How a resource type's policy resource points at the resources it governs. */
export interface PolicyAttachment {
  /** e.g. AWS::S3::BucketPolicy. */
  readonly policyType: string;
  /** The property holding the governed resource(s): `Bucket`, `Topics`, `Queues`. */
  readonly targetProperty: string;
  /** The action the TLS deny must cover, e.g. `s3:*` (every request) or `sns:Publish`. */
  readonly deniedAction: string;
}

/**
 * Whether a policy in the same template governs the resource and denies
 * `deniedAction` to everyone whenever `aws:SecureTransport` is false, which
 * is how a resource policy refuses requests that do not use TLS.
 */
export function deniesWithoutTls(resource: FoundResource, attachment: PolicyAttachment): boolean {
  return Object.values<any>(resource.template.template.Resources ?? {})
    .filter((policy) => policy.Type === attachment.policyType)
    .filter((policy) => asArray(policy.Properties?.[attachment.targetProperty]).some((target: any) => target?.Ref === resource.logicalId))
    .some((policy) => asArray(policy.Properties.PolicyDocument?.Statement).some((statement) => isTlsDeny(statement, attachment.deniedAction)));
}

function isTlsDeny(statement: any, action: string): boolean {
  return statement.Effect === 'Deny'
    && isEveryone(statement.Principal)
    && asArray(statement.Action).includes(action)
    && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false';
}

/** `*` as a principal, written either way IAM accepts. */
export function isEveryone(principal: unknown): boolean {
  return principal === '*' || asArray((principal as { AWS?: unknown } | undefined)?.AWS).includes('*');
}
