import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IntegrationTestHandler } from './test-handler';
import { TestJobParameters, TestScalingSpec } from '../../contract/test-settings';
import type { EnvironmentAccessSpec } from '../../contract/access-settings';

/**
 * What `ByomPipeline` tells an {@link IntegrationTests} when it adds an
 * environment's Test stage. Internal: not exported from the package index.
 */
export interface TestBindContext {
  /** The environment's name (`dev`). */
  readonly environmentName: string;
  /** The environment's literal endpoint name, for IAM. */
  readonly endpointName: string;
  /** The prefix of the environment's release models and endpoint configs (`releasePrefixFor(modelName, env)`). */
  readonly releasePrefix: string;
  /**
   * The environment's variant and how it autoscales (its deploy spec fits):
   * a rollback takes an autoscaled variant out of scaling and puts it back.
   */
  readonly variant: {
    readonly variantName: string;
    readonly autoScaling?: TestScalingSpec['autoScaling'];
    /** Set when the endpoint is in another account or region. */
    readonly access?: EnvironmentAccessSpec;
  };
  /** The Deploy action's variables, as CodePipeline variable references; see {@link deployVariables}. */
  readonly variables: DeployVariables;
  /** The pipeline's one test handler, created on first use. */
  readonly testHandler: () => IntegrationTestHandler;
  /** The pipeline's Source stage: a CodeBuild test suite adds its source action there. */
  readonly sourceStage: codepipeline.IStage;
  /** How long build logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The pipeline's artifact key, to encrypt build output and logs.
   * @default - CodeBuild's AWS managed key
   */
  readonly encryptionKey?: kms.IKey;
}

/** The Deploy action's output variables, as `#{namespace.Variable}` references. */
export interface DeployVariables {
  readonly endpointName: string;
  readonly endpointConfigName: string;
  /** `none` on a first release. */
  readonly previousEndpointConfigName: string;
}

/** The variables of the `Deploy-<env>` namespace the deploy action exports. */
export function deployVariables(environmentName: string): DeployVariables {
  const namespace = `Deploy-${environmentName}`;
  return {
    endpointName: `#{${namespace}.EndpointName}`,
    endpointConfigName: `#{${namespace}.EndpointConfigName}`,
    previousEndpointConfigName: `#{${namespace}.PreviousEndpointConfigName}`,
  };
}

/** The user parameters of every Test action, whatever runs the tests: the release under test and how to roll it back. */
export function rollbackParameters(context: TestBindContext): Omit<TestJobParameters, 'requestsParameter' | 'build'> {
  const { variantName, autoScaling } = context.variant;
  return {
    environment: context.environmentName,
    endpointName: context.variables.endpointName,
    endpointConfigName: context.variables.endpointConfigName,
    previousConfig: context.variables.previousEndpointConfigName,
    scaling: autoScaling && { variantName, autoScaling },
    access: context.variant.access && { roleArn: context.variant.access.roleArn, region: context.variant.access.region },
  };
}
