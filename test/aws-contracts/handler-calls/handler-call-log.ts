import * as path from 'path';
import { ActingRole, currentActingRole, observing } from './acting-role';
import type { SdkCall } from '../../harness/sdk-calls';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A call a handler made, with whom it acted as when it made it. */
export interface HandlerCall {
  readonly call: SdkCall;
  /** The role declared for the code that made the call (its function's role), resolved when evaluated. */
  readonly acting?: () => ActingRole;
  /** For a call on a scalable target: the tags the target had when the call was made. */
  readonly scalableTargetTags?: { readonly [key: string]: string };
}

/** Credentials a call got from sts:AssumeRole: the role and the session's tags. */
export interface AssumedSession {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly tags: { readonly [key: string]: string };
  /** Whom the caller acted as when it assumed the role, for the world the role belongs to. */
  readonly assumedBy?: () => ActingRole;
}

const SOURCE_ROOT = path.resolve(__dirname, '..', '..', '..', 'src') + path.sep;

/** Credentials a service handed the handler in its event, by access key: whom calls signed with them act as. */
const handedOut = new Map<string, () => ActingRole>();

/**
 * Declares that calls signed with `accessKeyId` act as `role`, whatever the
 * code that made them runs as: for credentials an AWS service hands a
 * handler in its event rather than through a recorded sts:AssumeRole (the
 * artifact credentials of a CodePipeline job are a session of the action's role).
 */
export function credentialsActAs(accessKeyId: string, role: () => ActingRole): void {
  handedOut.set(accessKeyId, role);
}

/**
 * Whether the call was made by product code (anything under src/: the
 * handlers and the runtime code they share), as opposed to a test setting up
 * or inspecting the emulator. Read from the call's stack, which keeps the
 * async frames of the awaiting callers.
 */
export function madeByProductCode(call: SdkCall): boolean {
  return call.stack.split('\n').some((frame) => frame.includes(SOURCE_ROOT));
}

/** The calls of the current test and the sessions seen in the file so far. */
export class HandlerCallLog {
  private calls: HandlerCall[] = [];
  private readonly sessions = new Map<string, AssumedSession>();
  private readonly targetTags = new Map<string, { [key: string]: string }>();

  /** Records a call of the SDK hook: sessions from every AssumeRole, and the calls of product code. */
  public record(call: SdkCall): void {
    const acting = (call.accessKeyId ? handedOut.get(call.accessKeyId) : undefined) ?? currentActingRole();
    if (call.service === 'STS' && call.operation === 'AssumeRole' && !call.error) {
      const credentials = (call.output as any)?.Credentials;
      if (credentials?.AccessKeyId) {
        const tags = Object.fromEntries(((call.input as any).Tags ?? []).map((t: any) => [t.Key, t.Value]));
        this.sessions.set(credentials.AccessKeyId, {
          roleArn: String((call.input as any).RoleArn),
          sessionName: String((call.input as any).RoleSessionName),
          tags,
          assumedBy: acting,
        });
      }
    }
    const resourceId = call.service === 'Application Auto Scaling' ? (call.input as any).ResourceId as string | undefined : undefined;
    const scalableTargetTags = resourceId ? this.targetTags.get(resourceId) : undefined;
    if (resourceId && !call.error) {
      if (call.operation === 'RegisterScalableTarget') {
        this.targetTags.set(resourceId, { ...(scalableTargetTags ?? {}), ...((call.input as any).Tags ?? {}) });
      } else if (call.operation === 'DeregisterScalableTarget') {
        this.targetTags.delete(resourceId);
      }
    }
    if (madeByProductCode(call) && !observing()) {
      this.calls.push({ call, acting, scalableTargetTags });
    }
  }

  /** The session whose credentials signed a call, if a recorded AssumeRole handed them out. */
  public sessionOf(call: SdkCall): AssumedSession | undefined {
    return call.accessKeyId ? this.sessions.get(call.accessKeyId) : undefined;
  }

  /** The product code's calls since the last take. */
  public take(): HandlerCall[] {
    const taken = this.calls;
    this.calls = [];
    return taken;
  }
}
