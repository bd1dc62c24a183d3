import { AspectPriority, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The rules the library acknowledged on a construct, by rule id, with their reasons. */
const LIBRARY_ACKNOWLEDGEMENTS = Symbol.for('cdk-mlops-framework.acknowledgements');
/** Marks a stack whose library resources get the cdk-nag 2 form too. */
const WRITER = Symbol.for('cdk-mlops-framework.nagV2Writer');

/**
 * The CloudFormation metadata key cdk-nag 2 reads a resource's suppressions
 * from (`NagSuppressions.addResourceSuppressions` writes the same).
 */
const NAG_V2_METADATA = 'cdk_nag';

/**
 * After the library's own aspects that acknowledge findings (the IAM
 * wildcard justifications), before cdk-nag 2's AwsSolutionsChecks, an aspect
 * at the default priority, looks at the resource.
 */
export const NAG_V2_WRITER_PRIORITY = AspectPriority.MUTATING + 100;

interface V2Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: string[];
  readonly is_reason_encoded?: boolean;
}

/** Records an acknowledgement the library made, for the cdk-nag 2 form; call {@link writeNagV2Suppressions} on its stack too. */
export function recordLibraryAcknowledgement(scope: IConstruct, ruleId: string, reason: string): void {
  const holder = scope as unknown as { [LIBRARY_ACKNOWLEDGEMENTS]?: Map<string, string> };
  (holder[LIBRARY_ACKNOWLEDGEMENTS] ??= new Map()).set(ruleId, reason);
}

/**
 * cdk-nag 3 reads the acknowledgements the library writes as construct
 * metadata (what `Validations.of(x).acknowledge()` writes), on a resource or
 * any scope above it. cdk-nag 2, an Aspect that many apps still use (and the
 * only one an aws-cdk-lib older than 2.257.0 can install), reads only its own
 * `cdk_nag` CloudFormation metadata on each resource, with a finding as
 * `applies_to` rather than in the id. When a cdk-nag 2 pack is attached to
 * the app (or a stage or stack above the resource), this writes the
 * library's acknowledgements in that form too, on the library's resources
 * only; apps without cdk-nag 2 get no extra template bytes. Registered once per stack.
 */
export function writeNagV2Suppressions(stack: Stack): void {
  const marked = stack as unknown as { [WRITER]?: boolean };
  if (marked[WRITER]) {
    return;
  }
  marked[WRITER] = true;
  Aspects.of(stack).add(new NagV2SuppressionWriter(), { priority: NAG_V2_WRITER_PRIORITY });
}

class NagV2SuppressionWriter implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    const acknowledged = libraryAcknowledgements(node);
    if (acknowledged.size === 0 || !nagV2Attached(node)) {
      return;
    }
    const existing: V2Suppression[] = node.getMetadata(NAG_V2_METADATA)?.rules_to_suppress ?? [];
    const serialized = new Set(existing.map((rule) => JSON.stringify(rule)));
    const added = [...acknowledged].map(([ruleId, reason]) => toV2(ruleId, reason)).filter((rule) => !serialized.has(JSON.stringify(rule)));
    if (added.length > 0) {
      node.addMetadata(NAG_V2_METADATA, { rules_to_suppress: [...existing, ...added] });
    }
  }
}

/** The library's acknowledgements on the resource and every scope above it, up to its stack. */
function libraryAcknowledgements(node: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (let scope: IConstruct | undefined = node; scope && !Stack.isStack(scope); scope = scope.node.scope) {
    const own = (scope as unknown as { [LIBRARY_ACKNOWLEDGEMENTS]?: Map<string, string> })[LIBRARY_ACKNOWLEDGEMENTS];
    for (const [ruleId, reason] of own ?? []) {
      if (!found.has(ruleId)) found.set(ruleId, reason);
    }
  }
  return found;
}

/**
 * Whether a cdk-nag 2 pack looks at this resource: an Aspect on it or above
 * it with the pack name every cdk-nag 2 NagPack has. (cdk-nag 3 packs are
 * validation plugins, never Aspects.)
 */
function nagV2Attached(node: IConstruct): boolean {
  for (let scope: IConstruct | undefined = node; scope; scope = scope.node.scope) {
    if (Aspects.of(scope).all.some((aspect) => typeof (aspect as { readPackName?: unknown }).readPackName === 'string')) {
      return true;
    }
  }
  return false;
}

/** `AwsSolutions-IAM5[Resource::*]` becomes `{ id: 'AwsSolutions-IAM5', applies_to: ['Resource::*'] }`, as cdk-nag 2 requires. */
function toV2(ruleId: string, reason: string): V2Suppression {
  const match = /^([^[\]]+)\[(.*)\]$/s.exec(ruleId);
  const base = match ? { id: match[1], applies_to: [match[2]] } : { id: ruleId };
  // cdk-nag 2 keeps reasons with characters beyond Latin-1 base64-encoded.
  if ([...reason].some((c) => (c.codePointAt(0) ?? 0) > 255)) {
    return { reason: Buffer.from(reason).toString('base64'), ...base, is_reason_encoded: true };
  }
  return { reason, ...base };
}
