/** ECR image URIs: the pattern the schema checks, and its parts for the blueprint's pull permissions. */

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@sha256:digest]`.
 * The repository and tag rules are ECR's; SageMaker pulls only from ECR.
 */
export const ECR_IMAGE_URI = new RegExp([
  '^\\d{12}\\.dkr\\.ecr\\.[a-z]{2}(-[a-z]+)+-\\d+\\.amazonaws\\.com(\\.cn)?',
  '/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*',
  '(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$',
].join(''));

/**
 * The registry account, region and repository of an ECR image URI, or
 * undefined when it is not one. (The pattern above has no named groups: it
 * is published in the JSON Schema, whose other readers, such as Python's
 * `re`, write them differently.)
 */
export function parseEcrImageUri(uri: string): { account: string; region: string; repository: string } | undefined {
  if (!ECR_IMAGE_URI.test(uri)) {
    return undefined;
  }
  const [host, ...path] = uri.split('/');
  const [account, , , region] = host.split('.');
  return { account, region, repository: path.join('/').split(/[:@]/)[0] };
}
