import { createHash } from 'crypto';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * A template as CloudFormation would deploy it in one account and region:
 * every resource with its properties resolved to the values CloudFormation
 * would pass to the service, the physical name or ID it would get, and the
 * ARN IAM knows it by. Names CloudFormation generates follow its documented
 * pattern (`<stack name>-<logical ID>-<random suffix>`, see NAMING below); the
 * random parts are derived from the logical ID, so they are stable.
 *
 * Supports what the product's templates use: Ref, Fn::GetAtt, Fn::Join,
 * Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And,
 * Fn::Or, Fn::FindInMap, Condition, AWS::NoValue and the pseudo parameters.
 */
export interface DeployContext {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  /** Parameter values; parameters left out take their Default. */
  readonly parameters?: { readonly [name: string]: string };
  /**
   * Physical names to use instead of the ones CloudFormation would generate,
   * by logical ID: to line a deployed stack up with the names a test's
   * fixtures use.
   */
  readonly names?: { readonly [logicalId: string]: string };
}

export interface DeployedResource {
  readonly logicalId: string;
  readonly type: string;
  /** Properties as CloudFormation would send them, intrinsics resolved. */
  readonly properties: any;
  /** What `Ref` returns. */
  readonly ref: string;
  /** The resource's ARN as IAM knows it, where it has one. */
  readonly arn?: string;
}

export interface DeployedStack {
  readonly stackName: string;
  readonly stackId: string;
  readonly account: string;
  readonly region: string;
  /** The resources that exist (their Condition holds), by logical ID. */
  readonly resources: ReadonlyMap<string, DeployedResource>;
  /** Outputs that exist, resolved. */
  readonly outputs: { readonly [name: string]: string };
  /** Resolves any fragment of the template (an action's configuration, say) as the deployment would. */
  resolve(value: unknown): any;
}

const NO_VALUE = Symbol('AWS::NoValue');

/** How CloudFormation names and identifies one resource type. */
interface Naming {
  /** The property that names the resource, when given. */
  readonly nameProperty?: string;
  /** How CloudFormation generates a name when the property is left out. */
  readonly generated?: 'stack-logical' | 'logical' | 'ssm' | 'id';
  /** For `id`: the form of the ID the service gives (a key's UUID, a REST API's 10 characters). */
  readonly idForm?: (seed: string) => string;
  readonly maxLength?: number;
  readonly lowerCase?: boolean;
  /** What Ref returns, from the name (or ID) and the resource. */
  readonly ref?: (name: string, r: Raw) => string;
  /** The ARN IAM authorizes the resource by. */
  readonly arn?: (name: string, r: Raw) => string;
  /** Fn::GetAtt attributes besides Arn. */
  readonly attributes?: { readonly [attribute: string]: (name: string, r: Raw) => string };
}

/** A resource while its properties are resolved: its name and a resolver for its own properties. */
interface Raw {
  readonly logicalId: string;
  readonly context: DeployContext;
  property(name: string): any;
}

const apiGateway = (region: string, path: string) => `arn:aws:apigateway:${region}::${path}`;

/**
 * A name given through `names`, or one CloudFormation generates, is what
 * `Ref` returns unless the type's `ref` says otherwise.
 *
 * Documented naming (CloudFormation User Guide, "Name type"): a resource
 * without an explicit name gets `<stack name>-<logical ID>-<random>`, cut to
 * the service's limit; S3 buckets and ECR repositories in lower case; SSM
 * parameters `CFN-<logical ID>-<random>`; CodeBuild projects
 * `<logical ID>-<random>`. Resources with service-made IDs (keys, REST APIs)
 * get random IDs.
 */
const NAMING: { readonly [type: string]: Naming } = {
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    generated: 'stack-logical',
    maxLength: 63,
    lowerCase: true,
    arn: (name) => `arn:aws:s3:::${name}`,
    attributes: {
      DomainName: (name) => `${name}.s3.amazonaws.com`,
      RegionalDomainName: (name, r) => `${name}.s3.${r.context.region}.amazonaws.com`,
    },
  },
  'AWS::KMS::Key': {
    generated: 'id',
    idForm: uuidOf,
    arn: (id, r) => `arn:aws:kms:${r.context.region}:${r.context.account}:key/${id}`,
    attributes: { KeyId: (id) => id },
  },
  'AWS::IAM::Role': {
    nameProperty: 'RoleName',
    generated: 'stack-logical',
    maxLength: 64,
    arn: (name, r) => `arn:aws:iam::${r.context.account}:role${r.property('Path') ?? '/'}${name}`,
    attributes: { RoleId: (name) => `AROA${suffixOf(name, 17)}` },
  },
  'AWS::IAM::ManagedPolicy': {
    nameProperty: 'ManagedPolicyName',
    generated: 'stack-logical',
    maxLength: 128,
    ref: (name, r) => `arn:aws:iam::${r.context.account}:policy${r.property('Path') ?? '/'}${name}`,
    arn: (name, r) => `arn:aws:iam::${r.context.account}:policy${r.property('Path') ?? '/'}${name}`,
  },
  'AWS::IAM::Policy': { generated: 'id' },
  'AWS::SSM::Parameter': {
    nameProperty: 'Name',
    generated: 'ssm',
    maxLength: 2048,
    arn: (name, r) => `arn:aws:ssm:${r.context.region}:${r.context.account}:parameter/${name.replace(/^\//, '')}`,
  },
  'AWS::CodePipeline::Pipeline': {
    nameProperty: 'Name',
    generated: 'stack-logical',
    maxLength: 100,
    arn: (name, r) => `arn:aws:codepipeline:${r.context.region}:${r.context.account}:${name}`,
  },
  'AWS::Events::Rule': {
    nameProperty: 'Name',
    generated: 'stack-logical',
    maxLength: 64,
    arn: (name, r) => `arn:aws:events:${r.context.region}:${r.context.account}:rule/${name}`,
  },
  'AWS::SNS::Topic': {
    nameProperty: 'TopicName',
    generated: 'stack-logical',
    maxLength: 256,
    ref: (name, r) => `arn:aws:sns:${r.context.region}:${r.context.account}:${name}`,
    arn: (name, r) => `arn:aws:sns:${r.context.region}:${r.context.account}:${name}`,
    attributes: { TopicName: (name) => name },
  },
  'AWS::SNS::TopicPolicy': { generated: 'id' },
  // The name is required; Ref returns the group's ARN, which SageMaker writes in lower case.
  'AWS::SageMaker::ModelPackageGroup': {
    nameProperty: 'ModelPackageGroupName',
    ref: (name, r) => `arn:aws:sagemaker:${r.context.region}:${r.context.account}:model-package-group/${name.toLowerCase()}`,
    arn: (name, r) => `arn:aws:sagemaker:${r.context.region}:${r.context.account}:model-package-group/${name.toLowerCase()}`,
    attributes: {
      ModelPackageGroupArn: (name, r) => `arn:aws:sagemaker:${r.context.region}:${r.context.account}:model-package-group/${name.toLowerCase()}`,
    },
  },
  'AWS::SNS::Subscription': {
    generated: 'id',
    ref: (id, r) => `${r.property('TopicArn')}:${uuidOf(id)}`,
    arn: (id, r) => `${r.property('TopicArn')}:${uuidOf(id)}`,
  },
  'AWS::CloudWatch::Alarm': {
    nameProperty: 'AlarmName',
    generated: 'stack-logical',
    maxLength: 255,
    arn: (name, r) => `arn:aws:cloudwatch:${r.context.region}:${r.context.account}:alarm:${name}`,
  },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    generated: 'stack-logical',
    maxLength: 512,
    arn: (name, r) => `arn:aws:logs:${r.context.region}:${r.context.account}:log-group:${name}`,
    // GetAtt Arn ends in ":*" (the log group's streams), unlike the ARN IAM names the group by.
    attributes: { Arn: (name, r) => `arn:aws:logs:${r.context.region}:${r.context.account}:log-group:${name}:*` },
  },
  'AWS::ApiGateway::RestApi': {
    generated: 'id',
    idForm: apiId,
    arn: (id, r) => apiGateway(r.context.region, `/restapis/${id}`),
    attributes: { RootResourceId: (id) => apiId(`${id}/root`) },
  },
  'AWS::ApiGateway::Deployment': {
    generated: 'id',
    idForm: apiId,
    arn: (id, r) => apiGateway(r.context.region, `/restapis/${r.property('RestApiId')}/deployments/${id}`),
  },
  'AWS::ApiGateway::Stage': {
    nameProperty: 'StageName',
    generated: 'id',
    arn: (name, r) => apiGateway(r.context.region, `/restapis/${r.property('RestApiId')}/stages/${name}`),
  },
  'AWS::ApiGateway::Resource': {
    generated: 'id',
    idForm: apiId,
    arn: (id, r) => apiGateway(r.context.region, `/restapis/${r.property('RestApiId')}/resources/${id}`),
    attributes: { ResourceId: (id) => id },
  },
  'AWS::ApiGateway::Method': {
    generated: 'id',
    arn: (_id, r) => apiGateway(r.context.region, `/restapis/${r.property('RestApiId')}/resources/${r.property('ResourceId')}/methods/${r.property('HttpMethod')}`),
  },
  'AWS::ApiGateway::RequestValidator': {
    generated: 'id',
    idForm: apiId,
    arn: (id, r) => apiGateway(r.context.region, `/restapis/${r.property('RestApiId')}/requestvalidators/${id}`),
    attributes: { RequestValidatorId: (id) => id },
  },
  'AWS::ApiGateway::Account': {
    generated: 'id',
    arn: (_id, r) => apiGateway(r.context.region, '/account'),
  },
  'AWS::CodeBuild::Project': {
    nameProperty: 'Name',
    generated: 'logical',
    maxLength: 255,
    arn: (name, r) => `arn:aws:codebuild:${r.context.region}:${r.context.account}:project/${name}`,
  },
  'AWS::ECR::Repository': {
    nameProperty: 'RepositoryName',
    generated: 'stack-logical',
    maxLength: 256,
    lowerCase: true,
    arn: (name, r) => `arn:aws:ecr:${r.context.region}:${r.context.account}:repository/${name}`,
    attributes: { RepositoryUri: (name, r) => `${r.context.account}.dkr.ecr.${r.context.region}.amazonaws.com/${name}` },
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    generated: 'stack-logical',
    maxLength: 64,
    arn: (name, r) => `arn:aws:lambda:${r.context.region}:${r.context.account}:function:${name}`,
  },
  'AWS::Lambda::Permission': { generated: 'id' },
  'AWS::Lambda::EventInvokeConfig': { generated: 'id' },
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    generated: 'stack-logical',
    maxLength: 80,
    ref: (name, r) => `arn:aws:states:${r.context.region}:${r.context.account}:stateMachine:${name}`,
    arn: (name, r) => `arn:aws:states:${r.context.region}:${r.context.account}:stateMachine:${name}`,
    attributes: { Name: (name) => name },
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    generated: 'stack-logical',
    maxLength: 80,
    ref: (name, r) => `https://sqs.${r.context.region}.amazonaws.com/${r.context.account}/${name}`,
    arn: (name, r) => `arn:aws:sqs:${r.context.region}:${r.context.account}:${name}`,
    attributes: { QueueName: (name) => name, QueueUrl: (name, r) => `https://sqs.${r.context.region}.amazonaws.com/${r.context.account}/${name}` },
  },
  'AWS::SQS::QueuePolicy': { generated: 'id' },
  'AWS::S3::BucketPolicy': { generated: 'id' },
};

/** Custom resources: CloudFormation passes their properties to the service token's function. */
const CUSTOM: Naming = { generated: 'id' };

function namingOf(type: string): Naming {
  const naming = NAMING[type] ?? (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource' ? CUSTOM : undefined);
  if (!naming) {
    throw new Error(`deployed-stack: no naming rule for ${type}; add one to NAMING`);
  }
  return naming;
}

/** Twelve stable "random" characters, as CloudFormation appends to the names it makes. */
function suffixOf(seed: string, length = 12): string {
  return createHash('sha256').update(seed).digest('base64').replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, length);
}

function uuidOf(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function apiId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').replace(/[^a-z0-9]/g, '').slice(0, 10);
}

function generatedName(naming: Naming, context: DeployContext, logicalId: string): string {
  const suffix = suffixOf(`${context.stackName}/${logicalId}`);
  const max = naming.maxLength ?? 255;
  let name: string;
  switch (naming.generated) {
    case 'ssm':
      name = `CFN-${logicalId}-${suffix}`;
      break;
    case 'logical':
      name = `${logicalId.slice(0, max - suffix.length - 1)}-${suffix}`;
      break;
    case 'id':
      name = naming.idForm ? naming.idForm(`${context.stackName}/${logicalId}`) : `${logicalId}-${suffix}`;
      break;
    default: {
      // The stack name keeps its start (what a prefix-scoped policy matches),
      // the logical ID gives way first.
      const room = max - suffix.length - 2;
      const stack = context.stackName.slice(0, Math.max(1, Math.min(context.stackName.length, room - 1)));
      const logical = logicalId.slice(0, Math.max(0, room - stack.length));
      name = logical ? `${stack}-${logical}-${suffix}` : `${stack}-${suffix}`;
    }
  }
  return naming.lowerCase ? name.toLowerCase() : name;
}

/** Deploys `template` in `context`, offline. */
export function deployStack(template: any, context: DeployContext): DeployedStack {
  const stackId = `arn:aws:cloudformation:${context.region}:${context.account}:stack/${context.stackName}/${uuidOf(context.stackName)}`;
  const values: { [name: string]: any } = {
    'AWS::Region': context.region,
    'AWS::AccountId': context.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': context.stackName,
    'AWS::StackId': stackId,
    'AWS::NotificationARNs': [],
  };
  for (const [name, parameter] of Object.entries<any>(template.Parameters ?? {})) {
    const value = context.parameters?.[name] ?? parameter.Default;
    if (value === undefined) {
      throw new Error(`deployed-stack: no value for parameter ${name}`);
    }
    values[name] = parameter.Type === 'CommaDelimitedList' ? String(value).split(',') : String(value);
  }
  for (const name of Object.keys(context.parameters ?? {})) {
    if (!(name in (template.Parameters ?? {}))) {
      throw new Error(`deployed-stack: parameter ${name} is not in the template`);
    }
  }
  for (const logicalId of Object.keys(context.names ?? {})) {
    if (!template.Resources[logicalId]) {
      throw new Error(`deployed-stack: no resource ${logicalId} to name`);
    }
  }

  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) {
      const definition = template.Conditions?.[name];
      if (definition === undefined) throw new Error(`deployed-stack: no condition ${name}`);
      conditions.set(name, Boolean(resolve(definition)));
    }
    return conditions.get(name)!;
  };
  const exists = (logicalId: string): boolean => {
    const resource = template.Resources[logicalId];
    return resource !== undefined && (resource.Condition === undefined || condition(resource.Condition));
  };

  const names = new Map<string, string>();
  const raw = (logicalId: string): Raw => ({
    logicalId,
    context,
    property: (name: string) => {
      const value = template.Resources[logicalId].Properties?.[name];
      return value === undefined ? undefined : resolve(value);
    },
  });
  /** The name (or ID) a resource gets: its name property, or the one CloudFormation makes. */
  const nameOf = (logicalId: string): string => {
    if (!names.has(logicalId)) {
      if (!exists(logicalId)) throw new Error(`deployed-stack: ${logicalId} does not exist (no such resource, or its condition is false)`);
      const naming = namingOf(template.Resources[logicalId].Type);
      const given = naming.nameProperty ? raw(logicalId).property(naming.nameProperty) : undefined;
      const named = given !== undefined && given !== NO_VALUE ? String(given) : undefined;
      const name = context.names?.[logicalId] ?? named ?? generatedName(naming, context, logicalId);
      names.set(logicalId, name);
    }
    return names.get(logicalId)!;
  };
  const refOf = (logicalId: string): string => {
    const naming = namingOf(template.Resources[logicalId].Type);
    const name = nameOf(logicalId);
    return naming.ref ? naming.ref(name, raw(logicalId)) : name;
  };
  const attributeOf = (logicalId: string, attribute: string): string => {
    const type = template.Resources[logicalId]?.Type;
    const naming = namingOf(type);
    const name = nameOf(logicalId);
    const special = naming.attributes?.[attribute];
    if (special) return special(name, raw(logicalId));
    if (attribute === 'Arn' && naming.arn) return naming.arn(name, raw(logicalId));
    if (naming === CUSTOM) return `<${logicalId}.${attribute}>`;
    throw new Error(`deployed-stack: Fn::GetAtt ${logicalId}.${attribute} (${type}) is not modelled`);
  };

  const sub = (text: string, variables: { [name: string]: any }): string =>
    text.replace(/\$\{([^}]+)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return String(variables[expression]);
      if (expression in values) return String(values[expression]);
      const [logicalId, attribute] = expression.split('.');
      if (attribute) return attributeOf(logicalId, attribute);
      if (template.Resources[logicalId]) return refOf(logicalId);
      throw new Error(`deployed-stack: Fn::Sub cannot resolve ${whole}`);
    });

  function resolve(node: any): any {
    if (Array.isArray(node)) {
      return node.map(resolve).filter((v) => v !== NO_VALUE);
    }
    if (node === null || typeof node !== 'object') {
      return node;
    }
    const keys = Object.keys(node);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))) {
      const [fn] = keys;
      const arg = node[fn];
      switch (fn) {
        case 'Ref':
          if (arg === 'AWS::NoValue') return NO_VALUE;
          if (arg in values) return values[arg];
          if (template.Resources[arg]) return refOf(arg);
          throw new Error(`deployed-stack: Ref to unknown ${arg}`);
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
          return attributeOf(logicalId, resolve(attribute));
        }
        case 'Fn::Join': return resolve(arg[1]).join(arg[0]);
        case 'Fn::Sub': return Array.isArray(arg) ? sub(arg[0], resolve(arg[1])) : sub(arg, {});
        case 'Fn::If': return condition(arg[0]) ? resolve(arg[1]) : resolve(arg[2]);
        case 'Fn::Select': return resolve(arg[1])[Number(resolve(arg[0]))];
        case 'Fn::Split': return String(resolve(arg[1])).split(arg[0]);
        case 'Fn::FindInMap': {
          const [map, top, second] = arg.map(resolve);
          const value = template.Mappings?.[map]?.[top]?.[second];
          if (value === undefined) throw new Error(`deployed-stack: Fn::FindInMap ${map}/${top}/${second} has no value`);
          return value;
        }
        case 'Fn::Equals': return resolve(arg[0]) === resolve(arg[1]);
        case 'Fn::Not': return !resolve(arg[0]);
        case 'Fn::And': return arg.every((c: any) => Boolean(resolve(c)));
        case 'Fn::Or': return arg.some((c: any) => Boolean(resolve(c)));
        case 'Condition': return condition(arg);
        default: throw new Error(`deployed-stack: unsupported intrinsic ${fn}`);
      }
    }
    const result: any = {};
    for (const [key, value] of Object.entries(node)) {
      const resolved = resolve(value);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  const resources = new Map<string, DeployedResource>();
  for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
    if (!exists(logicalId)) continue;
    const naming = namingOf(resource.Type);
    const name = nameOf(logicalId);
    resources.set(logicalId, {
      logicalId,
      type: resource.Type,
      properties: resolve(resource.Properties ?? {}),
      ref: refOf(logicalId),
      arn: naming.arn?.(name, raw(logicalId)),
    });
  }
  const outputs: { [name: string]: string } = {};
  for (const [name, output] of Object.entries<any>(template.Outputs ?? {})) {
    if (output.Condition === undefined || condition(output.Condition)) {
      outputs[name] = resolve(output.Value);
    }
  }
  return { stackName: context.stackName, stackId, account: context.account, region: context.region, resources, outputs, resolve };
}
