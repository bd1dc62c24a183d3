import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CHURN_NAMES } from './churn-world';
import { PipelineFamily } from './pipeline-family';
import { AutoScalingProps, ByomPipeline, Framework, IntegrationTests, ModelArtifact, ModelImage } from '../../../src';
import { endpointNameFor } from '../../../src/contract/naming';
import { ActingRole } from '../handler-calls/acting-role';

/** The functions of a fault world's pipeline whose roles its handlers' calls act as, by their roles' logical ID prefixes. */
const FUNCTION_ROLES = { deploy: 'ChurnDeployRole', test: 'ChurnTestsRole', share: 'ChurnShareRole', cleanup: 'ChurnCleanupRole' };
export type FaultHandler = keyof typeof FUNCTION_ROLES;

/** How a fault test file's pipelines are deployed: what a team would give them for the behaviour the file exercises. */
export interface FaultWorldProps {
  /** The test file's buckets: its model bucket (the artifact's) and its release bucket (the pipelines' artifacts bucket). */
  readonly buckets: { readonly models: string; readonly releases: string };
  readonly autoScaling?: AutoScalingProps;
  readonly instanceCount?: number;
  /** Each release tested by requests (kept in a parameter) or by a CodeBuild suite (a project per pipeline). */
  readonly tests?: 'requests' | 'codebuild';
  /** Physical names the file's fixtures give, by the logical ID prefix of the resource, for the pipeline of `endpointName`. */
  readonly names?: (endpointName: string) => { readonly [logicalIdPrefix: string]: string };
}

/**
 * The pipelines of one fault test file: each case releases to an endpoint of
 * its own on the shared emulator, the `dev` endpoint of a pipeline of its own
 * whose model is the case's (see {@link PipelineFamily}), deployed with the
 * file's buckets and the fixtures' names.
 */
export class FaultWorlds {
  public readonly family: PipelineFamily;

  constructor(public readonly file: string, props: FaultWorldProps) {
    this.family = new PipelineFamily({
      stackId: file,
      // One name for every case's world, so the run's report weighs a grant against all the file's calls.
      worldName: `${file} (a pipeline per case)`,
      build: (stack, modelName) => buildPipeline(stack, modelName, props),
      names: (modelName) => ({
        ChurnArtifacts: props.buckets.releases,
        ChurnEnvdevSageMakerRole: CHURN_NAMES.devExecutionRole,
        ...props.names?.(endpointNameFor(modelName, 'dev')),
      }),
    });
  }

  /** The function `handler` of the pipeline of model `modelName`, acting as its role. */
  public role(handler: FaultHandler, modelName: string): ActingRole {
    const world = this.family.world(modelName);
    return { handler, world, role: world.role(FUNCTION_ROLES[handler]) };
  }
}

function buildPipeline(stack: Stack, modelName: string, props: FaultWorldProps): void {
  const models = s3.Bucket.fromBucketName(stack, 'Models', props.buckets.models);
  new ByomPipeline(stack, 'Churn', {
    modelName,
    artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
    image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
    environments: [{
      name: 'dev',
      instanceType: 'ml.m5.large',
      instanceCount: props.instanceCount,
      autoScaling: props.autoScaling,
      tests: testsOf(props.tests),
    }],
  });
}

function testsOf(kind: FaultWorldProps['tests']): IntegrationTests | undefined {
  switch (kind) {
    case 'requests':
      return IntegrationTests.requests([{ body: '{"features":[1,2,3]}', contentType: 'application/json', expect: { maxLatency: Duration.seconds(2) } }]);
    case 'codebuild':
      return IntegrationTests.codeBuild({ buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['pytest'] } } }) });
    default:
      return undefined;
  }
}
