/**
 * Resolves the CloudFormation intrinsics in a synthesized value the way a
 * deployment would, with made-up physical names, so the demo can hand the
 * construct's real deploy spec to the handler running against the emulator.
 */
export interface LocalDeployment {
  readonly account: string;
  readonly region: string;
  /** Logical ID of a resource -> the physical name the demo gives it. */
  readonly physicalNames: Record<string, string>;
  /** The template's mappings, for Fn::FindInMap. */
  readonly mappings?: Record<string, any>;
}

export function resolveLocally(value: unknown, deployment: LocalDeployment): any {
  if (Array.isArray(value)) {
    return value.map((v) => resolveLocally(v, deployment));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    switch (fn) {
      case 'Ref':
        return ref(arg as string, deployment);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        const name = ref(logicalId, deployment);
        return attribute === 'Arn' ? `arn:aws:local:${deployment.region}:${deployment.account}:${name}` : name;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return resolveLocally(parts, deployment).join(separator);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = resolveLocally(arg, deployment) as string[];
        return deployment.mappings?.[map]?.[top]?.[second];
      }
      default:
        break;
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveLocally(v, deployment)]));
}

function ref(name: string, deployment: LocalDeployment): string {
  switch (name) {
    case 'AWS::Region':
      return deployment.region;
    case 'AWS::AccountId':
      return deployment.account;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return deployment.physicalNames[name] ?? name.toLowerCase();
  }
}
