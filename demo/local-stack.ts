/**
 * The demo's stand-in for CloudFormation: it gives each resource of the
 * synthesized template a physical name, creates in the emulator what the
 * handlers read or write at run time (the S3 buckets, the SSM parameters with
 * the values the template gives them, and the inference APIs' stages), and resolves the handler
 * functions' environment variables as a deployment would.
 */
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { EmulatorClients, REGION } from './emulator';
import { LocalDeployment, resolveLocally } from './local-resolve';
import { createInferenceApiStage } from '../test/fixtures/inference-api-stage';

/** The example stack's account; the emulator accepts any. */
const ACCOUNT = '111111111111';

export class LocalStack {
  private readonly deployment: LocalDeployment;

  constructor(private readonly template: any) {
    this.deployment = {
      account: ACCOUNT,
      region: REGION,
      mappings: template.Mappings,
      types: Object.fromEntries(this.resources().map(([id, resource]) => [id, resource.Type])),
      physicalNames: Object.fromEntries(this.resources().map(([id, resource]) => [id, physicalName(id, resource)])),
    };
  }

  /** A template value with its intrinsics resolved. */
  public resolve(value: unknown): any {
    return resolveLocally(value, this.deployment);
  }

  /** A Lambda function's environment variables, resolved. */
  public functionEnvironment(logicalId: string): Record<string, string> {
    const variables = this.template.Resources[logicalId]?.Properties?.Environment?.Variables;
    if (!variables) {
      throw new Error(`The template has no function ${logicalId} with environment variables`);
    }
    return this.resolve(variables);
  }

  /**
   * Creates every bucket and SSM parameter of the template in the emulator,
   * as CloudFormation would on the first deployment.
   * @returns what was created, by physical name
   */
  public async create(clients: EmulatorClients): Promise<{ buckets: string[]; parameters: string[] }> {
    const buckets: string[] = [];
    const parameters: string[] = [];
    for (const [id, resource] of this.resources()) {
      const name = this.deployment.physicalNames[id];
      if (resource.Type === 'AWS::S3::Bucket') {
        await createBucket(clients, name, resource.Properties?.VersioningConfiguration?.Status === 'Enabled');
        buckets.push(name);
      } else if (resource.Type === 'AWS::SSM::Parameter') {
        const value = this.resolve(resource.Properties.Value);
        await clients.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: resource.Properties.Type ?? 'String' }));
        parameters.push(name);
      }
    }
    await this.createApiStages(clients);
    return { buckets, parameters };
  }

  /**
   * Each inference API with its stage and variables (the placeholder endpoint
   * until a share). API Gateway picks the ID: later references resolve to it.
   */
  private async createApiStages(clients: EmulatorClients): Promise<void> {
    for (const [, stage] of this.resources().filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage')) {
      const apiId = stage.Properties.RestApiId.Ref as string;
      const name = this.template.Resources[apiId].Properties.Name;
      const variables = stage.Properties.Variables ?? {};
      this.deployment.physicalNames[apiId] = await createInferenceApiStage(clients.apigateway, name, stage.Properties.StageName, variables);
    }
  }

  private resources(): Array<[string, any]> {
    return Object.entries<any>(this.template.Resources ?? {});
  }
}

/**
 * The name CloudFormation would give: the one the template sets, else a
 * name made from the logical ID (lower case for buckets, which S3 requires).
 */
function physicalName(logicalId: string, resource: any): string {
  const literal = (name: unknown) => (typeof name === 'string' ? name : undefined);
  switch (resource.Type) {
    case 'AWS::S3::Bucket':
      return literal(resource.Properties?.BucketName) ?? logicalId.toLowerCase();
    case 'AWS::SSM::Parameter':
      return literal(resource.Properties?.Name) ?? logicalId;
    default:
      return logicalId.toLowerCase();
  }
}

async function createBucket(clients: EmulatorClients, name: string, versioned: boolean): Promise<void> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioned) {
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}
