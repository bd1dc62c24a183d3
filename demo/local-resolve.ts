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
  /** Logical ID of a resource -> its type, for ARNs shaped as the service shapes them. */
  readonly types?: Record<string, string>;
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
        return attribute === 'Arn' ? arnOf(deployment.types?.[logicalId], name, deployment) : name;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return resolveLocally(parts, deployment).join(separator);
      }
      case 'Fn::Sub': {
        // Asset URLs: `${AWS::URLSuffix}` and the like, no variable map.
        return (arg as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => ref(name, deployment));
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

/**
 * An ARN as the service writes it, for the types whose ARNs handlers or
 * templates take apart (a function's name is its ARN's seventh field);
 * any other type gets a made-up `local` service.
 */
function arnOf(type: string | undefined, name: string, deployment: LocalDeployment): string {
  const { region, account } = deployment;
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${region}:${account}:function:${name}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${account}:role/${name}`;
    default:
      return `arn:aws:local:${region}:${account}:${name}`;
  }
}
