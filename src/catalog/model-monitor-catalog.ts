import { ecrDomainSuffix } from './framework-catalog';
import { MODEL_MONITOR_IMAGE } from './framework-images.generated';
import { MlopsValidationError } from '../errors/validation-error';

/*
 * Where SageMaker publishes its Model Monitor analyzer image
 * (`sagemaker-model-monitor-analyzer`, the Spark/Deequ container that both
 * suggests a baseline and runs the data-quality monitoring jobs), by region:
 * generated (framework-images.generated.ts) from the SageMaker Python SDK's
 * model-monitor.json, the table behind `image_uris.retrieve(framework="model-monitor")`.
 * The SDK asks for no tag (the registry's `latest`), and so does this:
 * SageMaker publishes one analyzer per region and keeps it current.
 *
 * The SDK's table also lists two ISO-F regions. They stay left out, as the
 * hand-kept table left every ISO region out: the accounts become a mapping in
 * every monitoring template (the blueprints included), and nothing here is
 * tested in an ISO partition.
 */

/** The ISO partitions' regions: `us-iso-east-1`, `us-isob-east-1`, `us-isof-south-1`, `eu-isoe-west-1`, ... */
const ISO_PARTITION_REGION = /^[a-z]{2}-iso[a-z]?-/;

/** The analyzer's ECR repository name, the same in every region. */
export const MODEL_MONITOR_REPOSITORY = MODEL_MONITOR_IMAGE.repository;

/** The account that owns the analyzer's registry in each region. */
export const MODEL_MONITOR_ACCOUNTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(MODEL_MONITOR_IMAGE.accounts).filter(([region]) => !ISO_PARTITION_REGION.test(region)),
);

/** Regions the analyzer image is known in, sorted. */
export function modelMonitorRegions(): string[] {
  return Object.keys(MODEL_MONITOR_ACCOUNTS).sort();
}

/**
 * The Model Monitor analyzer image URI in `region`. An unknown region is an
 * error that lists the known ones: a guessed account would fail only when
 * the first baseline job runs, far from the cause.
 */
export function modelMonitorImageUri(region: string): string {
  const account = Object.prototype.hasOwnProperty.call(MODEL_MONITOR_ACCOUNTS, region) ? MODEL_MONITOR_ACCOUNTS[region] : undefined;
  if (!account) {
    throw new MlopsValidationError(
      `The SageMaker Model Monitor analyzer image is not known in region ${JSON.stringify(region)}; ` +
      `known regions: ${modelMonitorRegions().join(', ')}`,
    );
  }
  return `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${MODEL_MONITOR_REPOSITORY}`;
}
