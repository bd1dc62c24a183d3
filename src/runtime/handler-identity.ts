import { GetParameterCommand, GetParameterCommandOutput, SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { errorMessage, errorName, isTransient } from './aws-errors';
import { CodePipelineJob, JobConfigurationError, readJsonVariable } from './codepipeline-job';
import { AwsCredentialIdentityProvider, ClientConfig, EnvironmentClients, assumedRoleCredentials } from './environment-access';
import { HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER, STACK_SESSION_TAG } from '../contract/shared-handler-settings';

/**
 * A handler function shared by many pipelines acts, per call, as the role the
 * calling pipeline names (see `shared-handler-spec.ts`), so one pipeline's
 * call can never use another's permissions. The caller chooses that role, so
 * the session is tagged with whom it acts for, learnt from AWS rather than
 * from the caller (the job's pipeline from CodePipeline, the custom
 * resource's stack from CloudFormation's event), and each role's trust policy
 * requires its own pipeline's tag. This module turns role and tag into SDK
 * clients and reads the settings the pipeline keeps in SSM.
 */

/**
 * An IAM role ARN in any partition, with an optional path; the role name
 * follows IAM's rule (64 characters of `[\w+=,.@-]`).
 */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x2e\x30-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
/** An SSM parameter name: one plain segment, or a fully qualified `/a/b` path (SSM refuses `a/b`). */
const PARAMETER_NAME = /^(?:[\w.-]+|(?:\/[\w.-]+)+)$/;
/** SSM's limits on a parameter's name: its length, and the depth of its hierarchy. */
const MAX_PARAMETER_NAME = 1011;
const MAX_PARAMETER_LEVELS = 15;
/**
 * Sessions (a role with its tag) whose clients one function instance keeps. A
 * shared handler serves every pipeline of the framework; each session holds a
 * few SDK clients, so the cache is bounded and drops the one used least recently.
 */
const MAX_CACHED_ROLES = 50;
/** STS's rules for a session tag: key and value lengths, and the characters either may hold. */
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/**
 * A CloudFormation stack ARN; the name follows CloudFormation's rule (a
 * letter, then letters, digits and hyphens, 128 in all).
 */
const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/([A-Za-z][A-Za-z0-9-]{0,127})\/[^/]+$/;

/** A session tag the pipeline role's trust policy requires (`aws:RequestTag/<key>` = `<value>`). */
export interface SessionTag {
  readonly key: string;
  readonly value: string;
}

/**
 * The session tag binding a clean-up to the stack CloudFormation says the
 * custom resource belongs to: `mlops:stack=<name>`, the name from `StackId`.
 * @param fail makes the caller's kind of error from a message
 */
export function stackSessionTag(stackId: unknown, fail: (message: string) => Error): SessionTag {
  const name = typeof stackId === 'string' ? STACK_ARN.exec(stackId)?.[1] : undefined;
  if (name === undefined) {
    throw fail(`StackId is not a CloudFormation stack ARN (arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>): ${JSON.stringify(stackId)}`);
  }
  return { key: STACK_SESSION_TAG, value: name };
}

/**
 * Checks a handler role ARN a pipeline passed.
 * @param path where the value was found, for the error
 * @param fail makes the caller's kind of error from a message
 * @returns the ARN, or `undefined` when the pipeline passed none
 */
export function parseHandlerRoleArn(value: unknown, path: string, fail: (message: string) => Error): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !ROLE_ARN.test(value)) {
    throw fail(`${path} is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>): ${JSON.stringify(value)}`);
  }
  return value;
}

/** The job's handler role, checked; `undefined` for a handler made for one pipeline. */
export function readHandlerRole(job: CodePipelineJob): string | undefined {
  return parseHandlerRoleArn(job.userParameters[HANDLER_ROLE_PARAMETER], `UserParameters.${HANDLER_ROLE_PARAMETER}`, (m) => new JobConfigurationError(m));
}

/** The job's settings parameter name, checked; `undefined` when the settings are in the environment. */
export function readSettingsParameter(job: CodePipelineJob): string | undefined {
  const value = job.userParameters[SETTINGS_PARAMETER];
  if (value === undefined) {
    return undefined;
  }
  const path = `UserParameters.${SETTINGS_PARAMETER}`;
  if (typeof value !== 'string' || !PARAMETER_NAME.test(value)) {
    throw new JobConfigurationError(`${path} is not an SSM parameter name (letters, digits, _ . - and, for a path, a leading /): ${JSON.stringify(value)}`);
  }
  if (value.length > MAX_PARAMETER_NAME || value.split('/').length - 1 > MAX_PARAMETER_LEVELS) {
    throw new JobConfigurationError(`${path} is longer than SSM allows (${MAX_PARAMETER_NAME} characters, ${MAX_PARAMETER_LEVELS} levels): ${JSON.stringify(value.slice(0, 80))}…`);
  }
  return value;
}

interface RoleIdentity {
  readonly credentials: AwsCredentialIdentityProvider;
  readonly clients: EnvironmentClients;
}

/**
 * The identities a handler acts as: its own, or a pipeline's role, assumed
 * with its own credentials. One instance per function, made at load time, so
 * warm invocations reuse each role's credentials (renewed before they expire)
 * and clients. An environment's access role is then assumed from the
 * pipeline role's credentials (role chaining), as the pipeline's own
 * handler would from its role.
 */
export class HandlerIdentities {
  /** Clients with the function's own credentials: for reporting a job's result, and for every call of a job that names no role. */
  public readonly own: EnvironmentClients;
  private readonly roles = new Map<string, RoleIdentity>();
  private readonly sessionName: string;

  /**
   * @param base what every client starts from (the function's region and credentials; tests point it at the emulator)
   * @param handler the handler's name (`deploy`, ...): sessions are named `mlops-<handler>` and messages name it
   * @param maxRoles how many roles' clients are kept
   */
  constructor(private readonly base: ClientConfig, protected readonly handler: string, private readonly maxRoles = MAX_CACHED_ROLES) {
    this.sessionName = `mlops-${handler}`;
    this.own = new EnvironmentClients(base, this.sessionName);
  }

  /**
   * The clients of `roleArn`, assumed with the session tag its trust policy
   * requires, with credentials already in hand: a role that cannot be
   * assumed fails here, naming the role and the tag, rather than inside
   * whichever call came first. Throttling and other transient STS errors are
   * thrown as they are, so the caller asks to be called again.
   * @param tag who the session acts for; credentials are kept per role and tag
   * @param source where the role was named, for messages
   */
  public async forRole(roleArn: string, tag: SessionTag, source: string): Promise<EnvironmentClients> {
    checkSessionTag(tag);
    const identity = this.remember(roleArn, tag);
    try {
      await identity.credentials();
    } catch (err) {
      if (isTransient(err)) {
        throw err;
      }
      throw new JobConfigurationError(
        `The ${this.handler} handler could not assume the pipeline's role ${roleArn} (${source}) with session tag ${tag.key}=${tag.value}: `
        + `${errorName(err)}: ${errorMessage(err)}. `
        + 'Check that the role exists and belongs to that pipeline (its trust policy lets this function\'s execution role '
        + `call sts:AssumeRole and sts:TagSession only when aws:RequestTag/${tag.key} is the pipeline's), `
        + 'and that the execution role may call sts:AssumeRole and sts:TagSession on it',
      );
    }
    return identity.clients;
  }

  /**
   * The identity of a role with a tag, made on first use; the most recently
   * used are kept. Keyed by both: a session tagged for one pipeline is never
   * handed to a job of another, even for the same role ARN.
   */
  private remember(roleArn: string, tag: SessionTag): RoleIdentity {
    // JSON of the pair: no ARN or tag text can make two pairs collide.
    const key = JSON.stringify([roleArn, tag.key, tag.value]);
    let identity = this.roles.get(key);
    if (identity) {
      // Re-inserted, so Map order is least recently used first.
      this.roles.delete(key);
    } else {
      const credentials = taggedRoleCredentials(this.own.get(STSClient), roleArn, this.sessionName, tag);
      identity = { credentials, clients: new EnvironmentClients({ ...this.base, credentials }, this.sessionName) };
    }
    this.roles.set(key, identity);
    while (this.roles.size > this.maxRoles) {
      this.roles.delete(this.roles.keys().next().value!);
    }
    return identity;
  }
}

/** Refuses a tag STS would refuse, before any call, so the message says what is wrong with it. */
function checkSessionTag(tag: SessionTag): void {
  if (tag.key.length === 0 || tag.key.length > MAX_TAG_KEY || !TAG_TEXT.test(tag.key)) {
    throw new JobConfigurationError(`Session tag key ${JSON.stringify(tag.key)} is not one STS accepts (1-${MAX_TAG_KEY} letters, digits, spaces and _.:/=+-@)`);
  }
  if (tag.value.length > MAX_TAG_VALUE || !TAG_TEXT.test(tag.value)) {
    throw new JobConfigurationError(`Session tag ${tag.key}=${JSON.stringify(tag.value.slice(0, 80))} has a value STS refuses (at most ${MAX_TAG_VALUE} letters, digits, spaces and _.:/=+-@)`);
  }
}

/**
 * Credentials of a pipeline role, assumed with one session tag on first use
 * and again shortly before they expire.
 */
export function taggedRoleCredentials(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  tag: SessionTag,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  return assumedRoleCredentials(sts, roleArn, sessionName, now, [tag]);
}

/**
 * A handler's settings: from the SSM parameter the job names (read with the
 * job's clients, so as the pipeline's role, on every call, so that a stack
 * update takes effect at once), or else from the handler's environment
 * variable, as a handler made for one pipeline has them.
 * @param clients the job's clients, from `JobIdentities.forJob` (job-identities.ts)
 * @param variable the settings environment variable, e.g. `MLOPS_DEPLOY_SPEC`
 * @param handler the handler's name for messages, e.g. `deploy`
 */
export async function readActionSettings<T>(
  job: CodePipelineJob,
  clients: EnvironmentClients,
  variable: string,
  handler: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const name = readSettingsParameter(job);
  if (name === undefined) {
    return readJsonVariable<T>(env, variable, handler);
  }
  const role = readHandlerRole(job);
  if (role === undefined) {
    // The function's own role could read any pipeline's settings: a shared
    // handler reads them only as the role of the pipeline that asks.
    throw new JobConfigurationError(`UserParameters.${SETTINGS_PARAMETER} is set without UserParameters.${HANDLER_ROLE_PARAMETER}: the settings are read as the pipeline's role`);
  }
  const where = `The ${handler} settings parameter ${name} (UserParameters.${SETTINGS_PARAMETER})`;
  let found: GetParameterCommandOutput;
  try {
    found = await clients.get(SSMClient).send(new GetParameterCommand({ Name: name }));
  } catch (err) {
    if (isTransient(err)) {
      throw err;
    }
    if (errorName(err) === 'ParameterNotFound') {
      throw new JobConfigurationError(`${where} does not exist in the account and region of role ${role}: check that the pipeline's stack created it and that the action names it`);
    }
    throw new JobConfigurationError(`${where} could not be read as role ${role}: ${errorName(err)}: ${errorMessage(err)}. Check that the role may call ssm:GetParameter on it`);
  }
  if (found.Parameter?.Type !== undefined && found.Parameter.Type !== 'String') {
    throw new JobConfigurationError(`${where} is a ${found.Parameter.Type}; the settings are a String parameter`);
  }
  let settings: unknown;
  try {
    settings = JSON.parse(found.Parameter?.Value ?? '');
  } catch {
    throw new JobConfigurationError(`${where} is not valid JSON: it holds exactly what ${variable} would`);
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new JobConfigurationError(`${where} is not a JSON object: it holds exactly what ${variable} would`);
  }
  return settings as T;
}
