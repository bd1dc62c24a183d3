import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { EnvironmentAccessSpec } from '../contract/access-settings';

/** Temporary credentials, shaped as the SDK expects them. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Resolves credentials on demand; the SDK calls it before each request. */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/** What every SDK client constructor of the handlers accepts. */
export interface ClientConfig {
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** An SDK client class, e.g. `SageMakerClient`. */
export type ClientClass<C> = new (config: ClientConfig) => C;

/** Credentials are renewed this long before they expire, so no call runs on expiring ones. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;
/** The shortest session STS grants; a handler call lasts minutes at most. */
const SESSION_SECONDS = 900;

/** A session tag an assumed role's trust policy may require. */
export interface AssumedSessionTag {
  readonly key: string;
  readonly value: string;
}

/**
 * Credentials of a role (an environment's `MlopsEnvironmentAccess` role, or a
 * pipeline's role a shared handler acts through, whose session carries the
 * tags the role's trust policy requires), assumed on first use and again
 * shortly before they expire.
 */
export function assumedRoleCredentials(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  now: () => number = Date.now,
  tags: readonly AssumedSessionTag[] = [],
): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined;
  return async () => {
    if (current?.expiration && current.expiration.getTime() - now() > RENEW_BEFORE_MS) {
      return current;
    }
    const assumed = await sts.send(new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: sessionName,
      DurationSeconds: SESSION_SECONDS,
      ...(tags.length > 0 ? { Tags: tags.map((tag) => ({ Key: tag.key, Value: tag.value })) } : {}),
    }));
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new Error(`STS returned no credentials for role ${roleArn}`);
    }
    current = {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
    return current;
  };
}

/**
 * Hands out SDK clients for the pipeline's own account, or for an
 * environment in another account or region through its access role. Clients
 * are made once per handler instance, so warm invocations reuse connections
 * and credentials.
 */
export class EnvironmentClients {
  private readonly clients = new Map<string, unknown>();
  private readonly credentials = new Map<string, AwsCredentialIdentityProvider>();
  private sts?: STSClient;

  /**
   * @param base what every client starts from (the handler's region and credentials; tests point it at the emulator)
   * @param sessionName names the assumed-role sessions in the environment's CloudTrail
   */
  constructor(private readonly base: ClientConfig, private readonly sessionName: string) {}

  /** A client in the pipeline's account, or in the environment's account and region when `access` is set. */
  public get<C>(type: ClientClass<C>, access?: EnvironmentAccessSpec): C {
    const key = `${type.name}|${access?.roleArn ?? ''}|${access?.region ?? ''}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      client = new type(access ? { ...this.base, region: access.region, credentials: this.credentialsFor(access.roleArn) } : this.base);
      this.clients.set(key, client);
    }
    return client;
  }

  private credentialsFor(roleArn: string): AwsCredentialIdentityProvider {
    let provider = this.credentials.get(roleArn);
    if (!provider) {
      this.sts ??= new STSClient(this.base);
      provider = assumedRoleCredentials(this.sts, roleArn, this.sessionName);
      this.credentials.set(roleArn, provider);
    }
    return provider;
  }
}
