/**
 * A small CloudFormation evaluator for tests: what a template's resources
 * would be once created with given parameters, with references to other
 * resources kept as `<ref>` placeholders (their physical IDs are unknown
 * offline). Supports what the synthesized templates use: Ref, Fn::GetAtt,
 * Fn::Join, Fn::If, Fn::Select, Fn::Split, Fn::FindInMap, Fn::Equals, Fn::Not,
 * Fn::And, Fn::Or and resource conditions.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface EvaluationContext {
  readonly parameters: { [name: string]: string };
  readonly region: string;
  readonly account: string;
}

/** The resources that exist with these parameters, each with its properties resolved. */
export function evaluateTemplate(template: any, context: EvaluationContext): { [logicalId: string]: { Type: string; Properties: any } } {
  const values: { [name: string]: string } = {
    'AWS::Region': context.region,
    'AWS::AccountId': context.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'stack',
  };
  for (const [name, parameter] of Object.entries<any>(template.Parameters ?? {})) {
    const value = context.parameters[name] ?? parameter.Default;
    if (value === undefined) {
      throw new Error(`No value for parameter ${name}`);
    }
    values[name] = String(value);
  }
  for (const name of Object.keys(context.parameters)) {
    if (!(name in (template.Parameters ?? {}))) {
      throw new Error(`Parameter ${name} is not in the template`);
    }
  }
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) {
      conditions.set(name, Boolean(resolve(template.Conditions[name])));
    }
    return conditions.get(name)!;
  };
  const resolve = (node: any): any => {
    if (Array.isArray(node)) {
      return node.map(resolve).filter((v) => v !== NO_VALUE);
    }
    if (node === null || typeof node !== 'object') {
      return node;
    }
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = node[fn];
      switch (fn) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          return arg in values ? values[arg] : '<ref>';
        case 'Fn::GetAtt': return '<ref>';
        case 'Fn::Join': return resolve(arg[1]).join(arg[0]);
        case 'Fn::If': return condition(arg[0]) ? resolve(arg[1]) : resolve(arg[2]);
        case 'Fn::Select': return resolve(arg[1])[Number(arg[0])];
        case 'Fn::Split': return String(resolve(arg[1])).split(arg[0]);
        case 'Fn::FindInMap': {
          const [map, top, second] = arg.map(resolve);
          return template.Mappings[map][top][second];
        }
        case 'Fn::Equals': return resolve(arg[0]) === resolve(arg[1]);
        case 'Fn::Not': return !resolve(arg[0]);
        case 'Fn::And': return arg.every((c: any) => Boolean(resolve(c)));
        case 'Fn::Or': return arg.some((c: any) => Boolean(resolve(c)));
        case 'Condition': return condition(arg);
        default:
          if (fn.startsWith('Fn::')) throw new Error(`Unsupported intrinsic ${fn}`);
      }
    }
    const result: any = {};
    for (const [key, value] of Object.entries(node)) {
      const resolved = resolve(value);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  };
  const resources: { [logicalId: string]: { Type: string; Properties: any } } = {};
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    if (resource.Condition && !condition(resource.Condition)) continue;
    resources[id] = { Type: resource.Type, Properties: resolve(resource.Properties ?? {}) };
  }
  return resources;
}

const NO_VALUE = Symbol('AWS::NoValue');
