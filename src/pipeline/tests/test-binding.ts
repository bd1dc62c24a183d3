import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IntegrationTestHandler } from './test-handler';

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
