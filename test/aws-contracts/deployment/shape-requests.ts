import type { EnvironmentRequest, PipelineRequest } from '../../../src/config/pipeline-request';
import { parseShape } from '../../../src/blueprint/blueprint-parameters';

/**
 * A request for each blueprint shape with every optional part turned on
 * (autoscaling, data capture, drift detection, request tests, approvals,
 * every email slot), so that every conditional resource of the blueprint
 * exists when it is deployed.
 */
export function fullestRequest(shape: string): PipelineRequest {
  const { buildsImage, environments, batch } = parseShape(shape);
  const name = `full-${shape}`;
  const envs: EnvironmentRequest[] = [];
  for (let slot = 1; slot <= environments; slot++) {
    const envName = `env${slot}`;
    if (batch && slot === environments) {
      envs.push({
        name: envName,
        approval: slot > 1,
        instanceType: 'ml.m5.xlarge',
        instanceCount: 2,
        batch: { input: `${name}/batch-input/`, output: `${name}/batch-output/`, check: { minObjects: 1, bodyContains: ['0'] } },
      });
      continue;
    }
    envs.push({
      name: envName,
      approval: slot > 1,
      instanceType: 'ml.m5.xlarge',
      instanceCount: 2,
      autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 300 },
      dataCapture: { samplingPercentage: 20 },
      monitoring: { baselineDataset: `${name}/baseline.csv`, frequency: 'hourly' },
      tests: [{ name: 'smoke', body: '1,2,3', contentType: 'text/csv', expect: { status: 200, bodyContains: ['0.'] } }],
    });
  }
  return {
    name,
    artifact: `${name}/model.tar.gz`,
    image: buildsImage ? { containerSource: `${name}/container.zip` } : { framework: 'xgboost', version: '1.7-1' },
    environments: envs,
    notifications: { emails: Array.from({ length: 10 }, (_, i) => `team${i + 1}@example.com`) },
    keepReleases: 3,
  };
}
