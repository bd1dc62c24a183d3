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

/** An AWS region's name, like `eu-west-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** An IAM role ARN in any partition. */
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@-]{1,64}$/;

/**
 * Checks an access spec a handler received (custom resource properties,
 * CodePipeline user parameters) is one the construct would have written.
 * @param path where the value was found, for the error
 * @param fail makes the caller's kind of error from a message
 */
export function parseAccessSpec(value: unknown, path: string, fail: (message: string) => Error): EnvironmentAccessSpec {
  const access = (value ?? {}) as Record<string, unknown>;
  if (typeof access.roleArn !== 'string' || !ROLE_ARN_PATTERN.test(access.roleArn)) {
    throw fail(`${path}.roleArn is not an IAM role ARN: ${JSON.stringify(access.roleArn)}`);
  }
  if (typeof access.region !== 'string' || !AWS_REGION_PATTERN.test(access.region)) {
    throw fail(`${path}.region is not an AWS region: ${JSON.stringify(access.region)}`);
  }
  return { roleArn: access.roleArn, region: access.region };
}
