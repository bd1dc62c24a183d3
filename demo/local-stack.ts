/**
 * The demo's stand-in for CloudFormation: the synthesized template deployed
 * offline (each resource named and given its ARN as CloudFormation would,
 * test/aws-contracts/cloudformation/deployed-stack.ts), and in the emulator
 * what the handlers read or write at run time: the S3 buckets, the SSM
 * parameters with the values the template gives them, and the inference
 * APIs' stages (whose IDs the emulator picks, and the deployment then uses).
 */
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { EmulatorClients, REGION } from './emulator';
import { DeployedStack, deployStack } from '../test/aws-contracts/cloudformation/deployed-stack';
import { createInferenceApiStage } from '../test/fixtures/inference-api-stage';

/** The example stacks' account (examples/app.ts); the emulator accepts any. */
const ACCOUNT = '111111111111';

export class LocalStack {
  private names: { [logicalId: string]: string } = {};
  private current: DeployedStack;

  constructor(private readonly template: any, private readonly stackName: string) {
    this.current = this.deploy();
  }

  /** The stack as deployed: its resources with their names, ARNs and resolved properties. */
  public get deployed(): DeployedStack {
    return this.current;
  }

  /** A template value with its intrinsics resolved. */
  public resolve(value: unknown): any {
    return this.current.resolve(value);
  }

  /** A Lambda function's environment variables, resolved. */
  public functionEnvironment(logicalId: string): Record<string, string> {
    const variables = this.current.resources.get(logicalId)?.properties.Environment?.Variables;
    if (!variables) {
      throw new Error(`The template has no function ${logicalId} with environment variables`);
    }
    return variables;
  }

  /** The ARN of the role a Lambda function runs as. */
  public functionRole(logicalId: string): string {
    const role = this.current.resources.get(logicalId)?.properties.Role;
    if (!role) {
      throw new Error(`The template has no function ${logicalId} with a role`);
    }
    return role;
  }

  /**
   * Creates every bucket and SSM parameter of the template in the emulator,
   * as CloudFormation would on the first deployment.
   * @returns what was created, by physical name
   */
  public async create(clients: EmulatorClients): Promise<{ buckets: string[]; parameters: string[] }> {
    const buckets: string[] = [];
    const parameters: string[] = [];
    await this.createApiStages(clients);
    for (const resource of this.current.resources.values()) {
      if (resource.type === 'AWS::S3::Bucket') {
        await createBucket(clients, resource.ref, resource.properties.VersioningConfiguration?.Status === 'Enabled');
        buckets.push(resource.ref);
      } else if (resource.type === 'AWS::SSM::Parameter') {
        await clients.ssm.send(new PutParameterCommand({ Name: resource.ref, Value: resource.properties.Value, Type: resource.properties.Type ?? 'String' }));
        parameters.push(resource.ref);
      }
    }
    return { buckets, parameters };
  }

  /**
   * Each inference API with its stage and variables (the placeholder endpoint
   * until a share). API Gateway picks the ID: the stack is deployed again with it.
   */
  private async createApiStages(clients: EmulatorClients): Promise<void> {
    for (const stage of [...this.current.resources.values()].filter((r) => r.type === 'AWS::ApiGateway::Stage')) {
      const apiId = this.template.Resources[stage.logicalId].Properties.RestApiId.Ref as string;
      const name = this.current.resources.get(apiId)!.properties.Name;
      this.names[apiId] = await createInferenceApiStage(clients.apigateway, name, stage.properties.StageName, stage.properties.Variables ?? {});
    }
    this.current = this.deploy();
  }

  private deploy(): DeployedStack {
    return deployStack(this.template, { stackName: this.stackName, account: ACCOUNT, region: REGION, names: this.names });
  }
}

async function createBucket(clients: EmulatorClients, name: string, versioned: boolean): Promise<void> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  if (versioned) {
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}
