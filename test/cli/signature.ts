import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { ReceivedRequest } from './fake-api';

/** The parts of a SigV4 Authorization header. */
export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) throw new Error(`not a SigV4 Authorization header: ${header}`);
  return { accessKeyId: match[1], date: match[2], region: match[3], service: match[4], signedHeaders: match[5].split(';'), signature: match[6] };
}

/**
 * Signs the request the server received again, with the same keys, region,
 * time and signed headers, and returns the Authorization header that gives:
 * it equals the one sent only if the CLI signed exactly what arrived.
 */
export async function expectedAuthorization(
  request: ReceivedRequest,
  options: { region: string; credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } },
): Promise<string> {
  const sent = parseAuthorization(request.headers.authorization);
  const headers: Record<string, string> = {};
  for (const name of sent.signedHeaders) {
    const value = request.headers[name];
    if (typeof value !== 'string') throw new Error(`signed header ${name} did not arrive`);
    headers[name] = value;
  }
  // The signer trusts a body hash it is given: drop the one sent, so it hashes the body that arrived.
  delete headers['x-amz-content-sha256'];
  const amzDate = headers['x-amz-date'];
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const [path] = request.path.split('?');
  const [hostname, port] = headers.host.split(':');
  const signer = new SignatureV4({ service: 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  const resigned = await signer.sign({
    method: request.method,
    protocol: 'http:',
    hostname,
    port: port ? Number(port) : undefined,
    path,
    query: {},
    headers,
    body: request.body === '' ? undefined : request.body,
  }, { signingDate });
  return resigned.headers.authorization;
}
