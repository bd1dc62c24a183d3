import { Client } from '@smithy/core/client';

/**
 * One AWS SDK v3 call made in a test process, as the client sent it and as it
 * ended. Every client of every service goes through `Client.prototype.send`,
 * so one hook sees the calls of handlers, fixtures and tests alike; clients
 * that aws-sdk-client-mock stubs answer from their own `send` and are not seen.
 */
export interface SdkCall {
  /** The SDK's service id, e.g. `SageMaker`, `S3`, `Application Auto Scaling`. */
  readonly service: string;
  /** The operation, e.g. `CreateEndpoint` (the command's class name without `Command`). */
  readonly operation: string;
  /** The command's input, as the caller gave it. */
  readonly input: Readonly<Record<string, unknown>>;
  /** The answer, when the call succeeded. */
  readonly output?: unknown;
  /** The error, when the call failed. */
  readonly error?: unknown;
  /** The access key the call was signed with (undefined when credentials could not be resolved). */
  readonly accessKeyId?: string;
  readonly region?: string;
  /** The JavaScript stack where `send` was called (async frames included), to tell who made the call. */
  readonly stack: string;
}

export type SdkCallListener = (call: SdkCall) => void;

const INSTALLED = Symbol.for('cdk-mlops-framework.test-harness.sdk-call-hook');
/** Deep enough to reach a handler's entry point and the test that called it through async frames. */
const CALL_STACK_FRAMES = 60;

const listeners = new Set<SdkCallListener>();

/** Calls `listener` after every SDK call from now on; returns a function that stops it. */
export function onSdkCall(listener: SdkCallListener): () => void {
  installSdkCallHook();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

type Send = (this: Client<any, any, any, any>, command: any, ...rest: any[]) => Promise<unknown>;

/**
 * Wraps `Client.prototype.send` once per module registry (jest gives every
 * test file its own); idempotent. Listeners run after the call, so they never
 * change what the caller sees, and a listener that throws is reported on the
 * console instead of failing the call.
 */
export function installSdkCallHook(): void {
  const prototype = Client.prototype as unknown as { send: Send; [INSTALLED]?: boolean };
  if (prototype[INSTALLED]) {
    return;
  }
  const original = prototype.send;
  prototype.send = async function hookedSend(this: Client<any, any, any, any>, command: any, ...rest: any[]) {
    const stack = callerStack();
    let output: unknown;
    let error: unknown;
    let failed = false;
    try {
      output = await original.call(this, command, ...rest);
      return output;
    } catch (err) {
      failed = true;
      error = err;
      throw err;
    } finally {
      if (listeners.size > 0) {
        const call: SdkCall = {
          service: String((this.config as { serviceId?: string }).serviceId ?? 'unknown'),
          operation: String(command?.constructor?.name ?? 'Unknown').replace(/Command$/, ''),
          input: (command?.input ?? {}) as Record<string, unknown>,
          ...(failed ? { error } : { output }),
          ...(await signingIdentity(this)),
          stack,
        };
        for (const listener of listeners) {
          try {
            listener(call);
          } catch (listenerError) {
            // eslint-disable-next-line no-console
            console.error(`SDK call listener failed on ${call.service}.${call.operation}:`, listenerError);
          }
        }
      }
    }
  };
  prototype[INSTALLED] = true;
}

function callerStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = CALL_STACK_FRAMES;
  try {
    return new Error('SDK call').stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The access key and region the client signed with. Both providers are
 * memoized by the client, so asking again after the call returns what it used
 * and makes no call of its own.
 */
async function signingIdentity(client: Client<any, any, any, any>): Promise<{ accessKeyId?: string; region?: string }> {
  const config = client.config as { credentials?: () => Promise<{ accessKeyId?: string }>; region?: () => Promise<string> };
  const [credentials, region] = await Promise.all([
    typeof config.credentials === 'function' ? config.credentials().catch(() => undefined) : undefined,
    typeof config.region === 'function' ? config.region().catch(() => undefined) : undefined,
  ]);
  return { accessKeyId: credentials?.accessKeyId, region };
}
