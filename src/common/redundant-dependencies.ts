import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The scopes of a stack whose resources lose their redundant DependsOn entries. */
const SCOPES = Symbol.for('cdk-mlops-framework.redundantDependsOn');

/**
 * Drops, from every resource under `scope`, each DependsOn entry whose target
 * the resource already refers to with a Ref, Fn::GetAtt or Fn::Sub.
 * CloudFormation orders a resource after everything it refers to, so such an
 * entry changes nothing but draws cfn-lint's W3005; CDK adds them anyway (a
 * function depends on the whole role construct, the role it refers to
 * included, to wait for the role's policy). Every other entry, such as that
 * policy, stays, so every ordering stays.
 *
 * Resources outside the scopes given (a user's own) keep what CDK gives them.
 * The entries are final only once CDK has turned construct dependencies into
 * resource ones, after aspects; this runs as a validation of the stack, the
 * step between that and writing the template.
 */
export function removeRedundantDependsOn(scope: IConstruct): void {
  const stack = Stack.of(scope);
  const holder = stack as unknown as { [SCOPES]?: Set<IConstruct> };
  if (!holder[SCOPES]) {
    const scopes = new Set<IConstruct>();
    holder[SCOPES] = scopes;
    stack.node.addValidation({
      validate: () => {
        pruneDependencies(stack, scopes);
        return [];
      },
    });
  }
  holder[SCOPES].add(scope);
}

function pruneDependencies(stack: Stack, scopes: Set<IConstruct>): void {
  const resources = new Set<CfnResource>();
  for (const scope of scopes) {
    for (const construct of scope.node.findAll()) {
      if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) resources.add(construct);
    }
  }
  for (const resource of resources) {
    const targets = resource.obtainDependencies().filter((target): target is CfnResource =>
      CfnResource.isCfnResource(target) && Stack.of(target) === stack);
    if (targets.length === 0) continue;
    // The resource as CloudFormation will read it: properties, overrides and all.
    const rendered = stack.resolve((resource as unknown as { _toCloudFormation(): object })._toCloudFormation());
    const referenced = new Set<string>();
    collectReferences(Object.values((rendered as { Resources: object }).Resources)[0], referenced);
    for (const target of targets) {
      if (referenced.has(stack.resolve(target.logicalId))) resource.removeDependency(target);
    }
  }
}

/** The logical IDs a rendered resource refers to through Ref, Fn::GetAtt and Fn::Sub (DependsOn itself aside). */
function collectReferences(value: unknown, into: Set<string>, key?: string): void {
  if (key === 'DependsOn' || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item) => collectReferences(item, into));
    return;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') into.add(object.Ref);
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') into.add(getAtt[0]);
  if (typeof getAtt === 'string') into.add(getAtt.split('.')[0]);
  const sub = object['Fn::Sub'];
  const template = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  for (const match of template?.matchAll(/\$\{([^!}.]+)[^}]*\}/g) ?? []) into.add(match[1]);
  for (const [childKey, child] of Object.entries(object)) collectReferences(child, into, childKey);
}
