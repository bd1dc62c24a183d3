/**
 * The types of a pipeline request (`POST /pipelines`) and of the config file
 * (`mlops-config.json`), as the schema (`pipeline-schema.ts`) makes them:
 * what a checked value holds. Plain TypeScript, no aws-cdk-lib: the
 * provisioning handler, the CLI and the blueprint all import them.
 */
import type * as z from 'zod';
import type { configFileSchema, pipelineRequestSchema } from './pipeline-schema';

/** `POST /pipelines`: create or update one pipeline. */
export type PipelineRequest = z.output<typeof pipelineRequestSchema>;
/** `mlops-config.json`: the pipelines a repository or the assets bucket's `config/` asks for. */
export type MlopsConfigFile = z.output<typeof configFileSchema>;
/** One environment, in release order. */
export type EnvironmentRequest = PipelineRequest['environments'][number];
/** A serverless variant instead of instances. */
export type ServerlessRequest = NonNullable<EnvironmentRequest['serverless']>;
/** Target tracking on invocations per instance. */
export type AutoScalingRequest = NonNullable<EnvironmentRequest['autoScaling']>;
/** Drift detection on an environment's endpoint. */
export type MonitoringRequest = NonNullable<EnvironmentRequest['monitoring']>;
/** A batch transform over data in the assets bucket instead of an endpoint. */
export type BatchRequest = NonNullable<EnvironmentRequest['batch']>;
/** What the Test stage of a batch environment checks in a release's output. */
export type BatchCheckRequest = NonNullable<BatchRequest['check']>;
/** One JSON path expectation of a test request or a batch check. */
export type JsonPathRequest = NonNullable<BatchCheckRequest['jsonPath']>[number];

export type { ImageRequest } from './image-fields';
export type { TestRequestEntry } from './test-fields';
export type { Problem, Validated } from './problems';
export { MAX_ENVIRONMENTS } from './limits';
