/**
 * One environment a model is released to, in order: dev, staging, prod, or any others.
 */
export interface EnvironmentProps {
  /**
   * The environment's name, unique within the pipeline. It is part of the
   * endpoint's name, so it may hold letters, digits and hyphens only.
   */
  readonly name: string;

  /**
   * The instance type of the endpoint's production variant.
   * @default 'ml.m5.large'
   */
  readonly instanceType?: string;

  /**
   * How many instances serve the endpoint.
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * Tags for the environment's SageMaker model, endpoint config and endpoint,
   * added to the tags the pipeline puts on every resource it creates.
   * @default - only the pipeline's own tags
   */
  readonly tags?: { [key: string]: string };
}
