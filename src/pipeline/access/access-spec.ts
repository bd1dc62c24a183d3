/**
 * How a handler reaches an environment in another account or region: the
 * role it assumes there and the region it calls. Plain types, no
 * aws-cdk-lib, so the handler bundles can import them.
 */
export interface EnvironmentAccessSpec {
  /** The role the `MlopsEnvironmentAccess` construct created in the environment's account. */
  readonly roleArn: string;
  /** The region the environment's endpoint runs in. */
  readonly region: string;
}
