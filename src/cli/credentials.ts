import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { CliFailure } from './cli-errors';
import { CliCredentials, CliIo } from './cli-io';

/**
 * The credentials requests are signed with: the caller's own provider if
 * given, else the AWS SDK's default chain (environment, profile, SSO, web
 * identity, container, IMDS). The chain's first link, the environment's keys,
 * is read here from `io.env` rather than by the SDK from `process.env`, so a
 * caller that runs the command with its own environment (a test, a script
 * embedding it) gets the keys it passed; the chain would skip them too when a
 * profile is named, and so does this.
 */
export function credentialsFor(io: CliIo): () => Promise<CliCredentials> {
  if (io.credentials) return io.credentials;
  const env = io.env;
  const profile = env.AWS_PROFILE;
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const keys: CliCredentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    return async () => keys;
  }
  // `fromNodeProviderChain` of @aws-sdk/credential-providers is this same
  // chain; that package is not a dependency here, so the chain is taken from its source.
  const chain = defaultProvider(profile ? { profile } : {});
  return async () => {
    try {
      return await chain();
    } catch (error) {
      throw new CliFailure(
        `no AWS credentials: ${(error as Error).message}\n` +
        '  Set AWS_PROFILE (after `aws sso login` or `aws configure`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
      );
    }
  };
}
