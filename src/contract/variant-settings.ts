/**
 * The part of an environment's deploy spec that says how the endpoint
 * serves: instances or serverless, scaling, how updates shift traffic, and
 * data capture. Plain TypeScript, so the construct (from its props) and the
 * orchestrator's provisioning handler (from a request) compute it the same way.
 */
import type { EnvironmentDeploySpec } from './deploy-settings';

/** The instance type of an instance variant that names none. */
export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';
/** How long the old fleet is kept after an update by default (TrafficShift's default bake time). */
export const DEFAULT_BAKE_SECONDS = 300;

/** What the variant part is computed from, in plain numbers and strings. */
export interface VariantInput {
  readonly serverless?: { readonly memorySizeMb: number; readonly maxConcurrency: number; readonly provisionedConcurrency?: number };
  /** Default {@link DEFAULT_INSTANCE_TYPE} (instance variants). */
  readonly instanceType?: string;
  /** Default 1 (instance variants). */
  readonly instanceCount?: number;
  readonly autoScaling?: {
    readonly minInstances?: number;
    readonly maxInstances: number;
    readonly targetInvocationsPerInstance: number;
    readonly scaleInCooldownSeconds?: number;
    readonly scaleOutCooldownSeconds?: number;
  };
  /** Default: all at once, baked {@link DEFAULT_BAKE_SECONDS}. */
  readonly trafficShift?: { readonly type: string; readonly stepPercent?: number; readonly waitSeconds?: number; readonly bakeSeconds: number };
  /** The alarms that roll an update back (instance variants). */
  readonly rollbackAlarms: string[];
  readonly dataCapture?: { readonly samplingPercentage: number; readonly destinationS3Uri: string };
}

/** The fields of {@link EnvironmentDeploySpec} that {@link variantSpec} sets. */
export type VariantSpec = Pick<EnvironmentDeploySpec, 'instanceType' | 'initialInstanceCount' | 'serverless' | 'dataCapture' | 'autoScaling' | 'deployment'>;

/** The variant part of the spec; fields that do not apply are left out. */
export function variantSpec(input: VariantInput): VariantSpec {
  if (input.serverless) {
    // Serverless variants are updated without blue/green, and do not scale by instances.
    return {
      serverless: {
        memorySizeMb: input.serverless.memorySizeMb,
        maxConcurrency: input.serverless.maxConcurrency,
        provisionedConcurrency: input.serverless.provisionedConcurrency,
      },
      dataCapture: input.dataCapture,
    };
  }
  const instanceCount = input.instanceCount ?? 1;
  const shift = input.trafficShift ?? { type: 'ALL_AT_ONCE', bakeSeconds: DEFAULT_BAKE_SECONDS };
  return {
    instanceType: input.instanceType ?? DEFAULT_INSTANCE_TYPE,
    initialInstanceCount: instanceCount,
    dataCapture: input.dataCapture,
    autoScaling: input.autoScaling && {
      minInstances: input.autoScaling.minInstances ?? instanceCount,
      maxInstances: input.autoScaling.maxInstances,
      targetInvocationsPerInstance: input.autoScaling.targetInvocationsPerInstance,
      scaleInCooldownSeconds: input.autoScaling.scaleInCooldownSeconds,
      scaleOutCooldownSeconds: input.autoScaling.scaleOutCooldownSeconds,
    },
    deployment: {
      type: shift.type,
      stepPercent: shift.stepPercent,
      waitSeconds: shift.waitSeconds,
      bakeSeconds: shift.bakeSeconds,
      rollbackAlarms: input.rollbackAlarms,
    },
  };
}
