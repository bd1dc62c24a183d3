import { ecrDomainSuffix } from './framework-catalog';

/*
 * Where SageMaker publishes its Model Monitor analyzer image
 * (`sagemaker-model-monitor-analyzer`, the Spark/Deequ container that both
 * suggests a baseline and runs the data-quality monitoring jobs), by region.
 *
 * Hand-curated. Checked on 2026-11-29 against:
 *  - aws/sagemaker-python-sdk, src/sagemaker/image_uri_config/model-monitor.json
 *    (the table behind `image_uris.retrieve(framework="model-monitor")`): the
 *    repository name, the untagged URI, and the first 20 regions;
 *  - the same SDK's unit test for that table (tests/unit/sagemaker/image_uris/
 *    test_model_monitor.py), which adds af-south-1, ap-northeast-3,
 *    ap-southeast-3, eu-south-1 and il-central-1;
 *  - the sagemaker-core copy of model-monitor.json (commit 7e7b6f18, as quoted
 *    by a public project) for eu-central-2, eu-south-2 and me-central-1;
 *  - the SageMaker developer guide, "Amazon SageMaker Model Monitor prebuilt
 *    container": the URI form `<account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer`
 *    (amazonaws.com.cn in China), with us-west-2's account as its example.
 * The ISO partitions in the SDK's table are left out: nothing else in this
 * library supports them.
 *
 * The SDK asks for no tag (the registry's `latest`), and so does this: SageMaker
 * publishes one analyzer per region and keeps it current.
 *
 * To add a region: take its account from the SDK's model-monitor.json and run
 * test/pipeline/monitoring/model-monitor-catalog.test.ts.
 */

/** The analyzer's ECR repository name, the same in every region. */
export const MODEL_MONITOR_REPOSITORY = 'sagemaker-model-monitor-analyzer';

/** The account that owns the analyzer's registry in each region. */
export const MODEL_MONITOR_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '875698925577',
  'ap-east-1': '001633400207',
  'ap-northeast-1': '574779866223',
  'ap-northeast-2': '709848358524',
  'ap-northeast-3': '990339680094',
  'ap-south-1': '126357580389',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ap-southeast-3': '669540362728',
  'ca-central-1': '536280801234',
  'cn-north-1': '453000072557',
  'cn-northwest-1': '453252182341',
  'eu-central-1': '048819808253',
  'eu-central-2': '590183933784',
  'eu-north-1': '895015795356',
  'eu-south-1': '933208885752',
  'eu-south-2': '437450045455',
  'eu-west-1': '468650794304',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'il-central-1': '843974653677',
  'me-central-1': '588750061953',
  'me-south-1': '607024016150',
  'sa-east-1': '539772159869',
  'us-east-1': '156813124566',
  'us-east-2': '777275614652',
  'us-west-1': '890145073186',
  'us-west-2': '159807026194',
};

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
    throw new Error(
      `The SageMaker Model Monitor analyzer image is not known in region ${JSON.stringify(region)}; ` +
      `known regions: ${modelMonitorRegions().join(', ')}`,
    );
  }
  return `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${MODEL_MONITOR_REPOSITORY}`;
}
