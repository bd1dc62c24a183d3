import { cleanupEnvironments, environmentDeploySpec } from './handler-settings';
import { monitoredEndpoint, monitoringWorld } from './monitoring-world';
import { modelQualitySpec, monitoringSpecFor } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * A monitoring world is the deployment the monitoring tests' calls are
 * evaluated in: each environment's Monitor step must be told the names,
 * role and datasets the monitoring fixtures give it, and the clean-up the
 * prefix the fixtures' teardowns use.
 */
const ENVIRONMENTS = [{ name: 'first-run1', modelQuality: false }, { name: 'second-run1', modelQuality: true }];

test.each(ENVIRONMENTS)('environment $name monitors as the fixtures monitor its endpoint', ({ name, modelQuality }) => {
  const fixture = monitoringSpecFor(monitoredEndpoint(name), { modelQuality: modelQuality ? modelQualitySpec() : undefined });
  const deployed = environmentDeploySpec(monitoringWorld(ENVIRONMENTS), name);
  expect(deployed.endpointName).toBe(fixture.endpointName);
  expect(deployed.monitoring).toMatchObject({
    namePrefix: fixture.namePrefix,
    roleArn: fixture.roleArn,
    baselineDatasetUri: fixture.baselineDatasetUri,
    baselineDatasetFormat: fixture.baselineDatasetFormat,
    imageUri: fixture.imageUri,
  });
  if (modelQuality) {
    const { problemType, baselineDatasetUri, groundTruthUri, startTimeOffset, endTimeOffset } = fixture.modelQuality!;
    expect(deployed.monitoring?.modelQuality).toMatchObject({ problemType, baselineDatasetUri, groundTruthUri, startTimeOffset, endTimeOffset });
  } else {
    expect(deployed.monitoring?.modelQuality).toBeUndefined();
  }
});

test('the clean-up deletes each environment\'s monitoring by the fixtures\' prefix', () => {
  expect(cleanupEnvironments(monitoringWorld(ENVIRONMENTS)).map((env) => env.monitoringPrefix))
    .toEqual(ENVIRONMENTS.map(({ name }) => monitoringSpecFor(monitoredEndpoint(name)).namePrefix));
});
