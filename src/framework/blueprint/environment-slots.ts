import { CfnCondition, CfnMapping, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StackParameters } from './stack-parameters';
import {
  ANY_MONITORING_CONDITION, DATASET_FORMAT_MAPPING, STAND_IN, environmentConditions, environmentParameters,
} from '../../blueprint/blueprint-parameters';
import {
  MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES, MONITORING_MAX_VIOLATIONS_THRESHOLD, PROCESSING_INSTANCE_TYPE_PATTERN,
  PROCESSING_MAX_INSTANCE_COUNT,
} from '../../config/limits';
import { MONITORING_DEFAULTS } from '../../contract/monitoring-defaults';
import { EnvironmentProps } from '../../pipeline/environment/environment-props';
import { IntegrationTests } from '../../pipeline/integration-tests/integration-tests';
import { DatasetFormat, DriftCheckFrequency } from '../../pipeline/monitoring/monitoring-props';

/*
 * The environment slots of a blueprint: each slot's parameters, conditions
 * and rules, and the environment props the blueprint's ByomPipeline gets for
 * it. A slot's parameters are declared before its props are made, slot by
 * slot, so the template lists them in that order.
 */

/** What every slot has, endpoint or batch: its names, its approval and (for a prebuilt image) the image. */
export function addSlotParameters(stack: Stack, parameters: StackParameters, slot: number, buildsImage: boolean): void {
  const p = environmentParameters(slot);
  parameters.text(p.name, `Name of environment ${slot}`);
  parameters.text(p.endpointName, `Endpoint name of environment ${slot}`);
  parameters.text(p.releasePrefix, `Release name prefix of environment ${slot}`);
  parameters.text(p.approval, `Whether environment ${slot} waits for a manual approval`, { allowedValues: ['true', 'false'] });
  new CfnCondition(stack, `${p.approval}On`, { expression: Fn.conditionEquals(Fn.ref(p.approval), 'true') });
  if (!buildsImage) {
    parameters.text(p.imageUri, `Inference image URI of environment ${slot}`);
    parameters.text(p.imageRepositoryArn, `ARN of the ECR repository of environment ${slot}'s image`);
  }
}

/** A batch slot (the last of a batch shape): transforms of the assets bucket's input prefix into its output prefix. */
export function batchSlot(parameters: StackParameters, slot: number, assets: s3.IBucket): EnvironmentProps {
  const p = environmentParameters(slot);
  parameters.text(p.variant, `The instances of environment ${slot}'s transforms (the instance type and count of its deploy spec: JSON members, no braces)`);
  const input = parameters.text(p.batchInput, `Key prefix of environment ${slot}'s input in the assets bucket: every object under it is transformed`);
  const output = parameters.text(p.batchOutput, `Key prefix of environment ${slot}'s output in the assets bucket (ending in "/"): each release writes a folder under it`,
    { allowedPattern: '^.*/$' });
  parameters.text(p.batch, `The transform and output check of environment ${slot} (the batch member of its deploy spec, JSON)`);
  return {
    name: STAND_IN.environmentName(slot),
    approval: true,
    batch: { input: { bucket: assets, prefix: input }, output: { bucket: assets, prefix: output } },
  };
}

/** An endpoint slot, with every optional part (tests, scaling, data capture, drift detection) for the template to make conditional. */
export function endpointSlot(stack: Stack, parameters: StackParameters, slot: number, assets: s3.IBucket): EnvironmentProps {
  const p = environmentParameters(slot);
  parameters.text(p.variant, `How environment ${slot} serves (the variant part of its deploy spec: JSON members, no braces)`);
  parameters.text(p.captureSampling, `Percentage of environment ${slot}'s requests captured, or empty for none`, { allowedPattern: '^$|^([1-9][0-9]?|100)$' });
  new CfnCondition(stack, `${p.captureSampling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.captureSampling), '')) });
  parameters.text(p.testScaling, `The test action's scaling parameters of environment ${slot} (JSON), or empty when it does not scale`);
  parameters.text(p.tests, `Integration test requests of environment ${slot} (JSON)`);
  parameters.text(p.hasTests, `Whether environment ${slot} has a Test stage`, { allowedValues: ['true', 'false'] });
  new CfnCondition(stack, `${p.hasTests}On`, { expression: Fn.conditionEquals(Fn.ref(p.hasTests), 'true') });
  new CfnCondition(stack, `${p.testScaling}On`, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.testScaling), '')) });
  const monitoring = driftDetection(stack, parameters, slot, assets);
  return {
    name: STAND_IN.environmentName(slot),
    approval: true,
    autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 100 },
    dataCapture: { samplingPercentage: 100 },
    tests: IntegrationTests.requests([{ name: 'stand-in', body: '{}' }]),
    monitoring,
  };
}

/** An endpoint slot's drift detection: on when its baseline dataset parameter is set. */
function driftDetection(stack: Stack, parameters: StackParameters, slot: number, assets: s3.IBucket): EnvironmentProps['monitoring'] {
  const p = environmentParameters(slot);
  const c = environmentConditions(slot);
  const dataset = parameters.text(p.baselineDataset, `Key of environment ${slot}'s drift-detection baseline dataset in the assets bucket, or empty for no drift detection`);
  new CfnCondition(stack, c.monitoring, { expression: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.baselineDataset), '')) });
  // Drift detection reads the captured traffic: a stack asking for one without the other is refused before anything is made.
  new CfnRule(stack, `Env${slot}MonitoringNeedsCapture`, {
    ruleCondition: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.baselineDataset), '')),
    assertions: [{
      assert: Fn.conditionNot(Fn.conditionEquals(Fn.ref(p.captureSampling), '')),
      assertDescription: `Drift detection reads the captured requests: set ${p.captureSampling} when ${p.baselineDataset} is set`,
    }],
  });
  parameters.text(p.datasetFormat, `How environment ${slot}'s baseline dataset is laid out`, { allowedValues: [...MONITORING_DATASET_FORMATS], default: 'csv' });
  parameters.text(p.monitoringFrequency, `How often environment ${slot}'s drift check runs`, { allowedValues: [...MONITORING_FREQUENCIES], default: 'hourly' });
  new CfnCondition(stack, c.daily, { expression: Fn.conditionEquals(Fn.ref(p.monitoringFrequency), 'daily') });
  const instanceType = parameters.text(p.monitoringInstanceType, `Processing instance type of environment ${slot}'s baseline and drift-check jobs`,
    { allowedPattern: PROCESSING_INSTANCE_TYPE_PATTERN.source, default: MONITORING_DEFAULTS.instanceType });
  const instanceCount = parameters.number(p.monitoringInstanceCount, `Instances of each of environment ${slot}'s baseline and drift-check jobs`,
    { minValue: 1, maxValue: PROCESSING_MAX_INSTANCE_COUNT, default: MONITORING_DEFAULTS.instanceCount });
  const threshold = parameters.number(p.violationsThreshold, `Constraint violations in one of environment ${slot}'s drift checks that raise its drift alarm`,
    { minValue: 1, maxValue: MONITORING_MAX_VIOLATIONS_THRESHOLD, default: MONITORING_DEFAULTS.violationsThreshold });
  for (const [key, parameter] of Object.entries(p.monitoringNames)) {
    parameters.text(parameter, `${key} of environment ${slot}'s drift detection (derived from its endpoint name)`);
  }
  return {
    baselineDataset: { bucket: assets, prefix: dataset },
    // Stand-ins: the format and the frequency come from their parameters (see blueprintTemplate).
    datasetFormat: DatasetFormat.csv(),
    frequency: DriftCheckFrequency.HOURLY,
    instanceType,
    instanceCount: Token.asNumber(instanceCount),
    violationsThreshold: Token.asNumber(threshold),
  };
}

/** What the monitored endpoint slots share: the dataset formats' deploy-spec JSON, and a condition for any slot monitoring at all. */
export function addMonitoringMappings(stack: Stack, endpointSlots: number[]): void {
  if (endpointSlots.length === 0) {
    return;
  }
  // The deploy spec's JSON of each dataset format, as the construct's DatasetFormat writes it.
  new CfnMapping(stack, DATASET_FORMAT_MAPPING, {
    mapping: {
      csv: { spec: JSON.stringify(DatasetFormat.csv()._spec) },
      csvNoHeader: { spec: JSON.stringify(DatasetFormat.csv({ header: false })._spec) },
      jsonLines: { spec: JSON.stringify(DatasetFormat.jsonLines()._spec) },
    },
  });
  const monitored = endpointSlots.map((slot) => Fn.conditionEquals(Fn.ref(environmentParameters(slot).baselineDataset), ''));
  // What every monitored slot shares is there when not every slot's dataset is empty (Fn::And takes 2 to 10 conditions).
  new CfnCondition(stack, ANY_MONITORING_CONDITION, {
    expression: Fn.conditionNot(monitored.length === 1 ? monitored[0] : Fn.conditionAnd(...monitored)),
  });
}
