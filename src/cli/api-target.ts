import { UsageError } from './cli-errors';

/** The provisioning API a command talks to, and the region its requests are signed for. */
export interface ApiTarget {
  /** The API's base URL (its stage), without a trailing slash. */
  readonly baseUrl: string;
  readonly region: string;
}

/** `https://{api-id}.execute-api.{region}.amazonaws.com[.cn]/...`: the region is in the host. */
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
/** Plain HTTP is only accepted for a local stand-in of the API: anything else would send signed requests in clear. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Reads `--api` (else `MLOPS_API_URL`) and `--region` (else the region in an
 * execute-api host name, else `AWS_REGION`/`AWS_DEFAULT_REGION`).
 */
export function resolveApiTarget(
  options: { readonly api?: string; readonly region?: string },
  env: Readonly<Record<string, string | undefined>>,
): ApiTarget {
  const raw = options.api ?? env.MLOPS_API_URL;
  if (!raw) {
    throw new UsageError('no API URL: pass --api <url> or set MLOPS_API_URL');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api: '${raw}' is not a URL (expected https://{api-id}.execute-api.{region}.amazonaws.com/{stage})`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new UsageError(`--api: '${raw}' must be an https:// URL`);
  }
  if (url.search || url.hash) {
    throw new UsageError(`--api: '${raw}' must not have a query or fragment`);
  }
  const region = options.region ?? EXECUTE_API_HOST.exec(url.hostname)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new UsageError(`cannot tell the region of ${url.origin}: pass --region <region> or set AWS_REGION`);
  }
  if (!REGION.test(region)) {
    throw new UsageError(`'${region}' is not an AWS region (such as eu-west-1)`);
  }
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, region };
}
