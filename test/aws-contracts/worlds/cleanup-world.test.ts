import { cleanupWorld } from './cleanup-world';
import { cleanupEnvironments, environmentDeploySpec } from './handler-settings';
import { DEV, MONITORED_DEV, PROD } from '../../pipeline/cleanup/cleanup-fixtures';
import { envSpec } from '../../pipeline/deploy/deploy-fixtures';
import { monitoringSpec } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * The clean-up worlds are the deployments the clean-up fixtures' deletions
 * are evaluated in: the custom resource must be told the environments the
 * fixtures' events name, and dev must have been released and monitored as
 * the fixtures release and monitor it.
 */
test('without drift detection, the clean-up tears down the fixtures\' dev and prod', () => {
  expect(cleanupEnvironments(cleanupWorld('none'))).toEqual([DEV, PROD]);
});

test.each(['data-quality', 'model-quality'] as const)('with %s monitoring, dev\'s monitoring names start with the fixtures\' prefix', (monitoring) => {
  expect(cleanupEnvironments(cleanupWorld(monitoring))).toEqual([MONITORED_DEV, PROD]);
});

test.each(['data-quality', 'model-quality'] as const)('with %s monitoring, dev is released and monitored as the fixtures do it', (monitoring) => {
  const dev = environmentDeploySpec(cleanupWorld(monitoring), 'dev');
  expect(dev).toMatchObject({
    endpointName: envSpec().endpointName,
    releasePrefix: envSpec().releasePrefix,
    executionRoleArn: envSpec().executionRoleArn,
    releaseBucket: envSpec().releaseBucket,
    monitoring: {
      namePrefix: MONITORED_DEV.monitoringPrefix,
      roleArn: monitoringSpec().roleArn,
      baselineDatasetUri: monitoringSpec().baselineDatasetUri,
    },
  });
  expect(dev.monitoring?.modelQuality !== undefined).toBe(monitoring === 'model-quality');
});
