/** Defaults of `MonitoringProps`, shared with the request schema. */
export const MONITORING_DEFAULTS = {
  instanceType: 'ml.m5.xlarge',
  instanceCount: 1,
  volumeSizeGb: 20,
  maxRuntimeSeconds: 3600,
  violationsThreshold: 1,
} as const;
