import type { EndpointInput } from '@aws-sdk/client-sagemaker';
import type { BaselineDatasetFormat, ModelQualitySpec, MonitoringSpec } from '../contract/monitoring-settings';

/*
 * What the Model Monitor analyzer needs to measure model quality, besides
 * what a data-quality job gives it. The same image does both; the analysis
 * is chosen by the job.
 *
 * Suggest-baseline job (a processing job): as the SageMaker Python SDK's
 * ModelQualityMonitor.suggest_baseline builds it (sagemaker-core
 * model_monitor/model_monitoring.py, through ModelMonitor._generate_env_map),
 * the data-quality input, output and variables (dataset_format,
 * dataset_source, output_path, publish_cloudwatch_metrics) plus:
 * - analysis_type: MODEL_QUALITY;
 * - problem_type: Regression, BinaryClassification or MulticlassClassification;
 * - ground_truth_attribute, inference_attribute, probability_attribute: the
 *   dataset's label, prediction and probability, by header name in a CSV
 *   with a header row (AWS's "Create a model quality baseline" example:
 *   label, prediction, probability);
 * - probability_threshold_attribute: the threshold, as a string (an
 *   environment holds strings only).
 * It writes statistics.json (the metrics) and constraints.json (their
 * suggested bounds) to output_path, as a data-quality baseline does.
 *
 * Job definition (CreateModelQualityJobDefinition, SageMaker API reference):
 * - ModelQualityAppSpecification: ImageUri and ProblemType, both required;
 * - ModelQualityBaselineConfig: ConstraintsResource (no statistics, unlike
 *   data quality);
 * - ModelQualityJobInput.EndpointInput: the endpoint and, unlike data
 *   quality, InferenceAttribute / ProbabilityAttribute (a column index of a
 *   CSV response or a JSONPath into a JSON one), ProbabilityThresholdAttribute
 *   (a number here) and StartTimeOffset / EndTimeOffset;
 * - ModelQualityJobInput.GroundTruthS3Input.S3Uri: the labels' prefix.
 * "Schedule model quality monitoring jobs" (SageMaker developer guide): the
 * offsets are ISO 8601 durations (-PT#H, -P#D) subtracted from each run's
 * window, since labels arrive late; each run is a ground-truth merge job then
 * the analysis, sharing the run's MaxRuntimeInSeconds, which for an hourly
 * schedule may be no more than 1800.
 * "Ingest Ground Truth labels and merge them with predictions": labels are
 * JSON Lines records {groundTruthData: {data, encoding}, eventMetadata:
 * {eventId}, eventVersion: "0"} under the S3 URI in the captured data's
 * yyyy/mm/dd/hh layout; a record is merged with the captured request of the
 * same inference ID, or event ID when the caller gave none.
 * The SDK's create_monitoring_schedule publishes CloudWatch metrics unless
 * told otherwise (publish_cloudwatch_metrics: Enabled); so do these jobs.
 */

/** SageMaker refuses an hourly model-quality schedule whose runs may take longer (the merge job shares the hour). */
export const MODEL_QUALITY_HOURLY_MAX_RUNTIME_SECONDS = 1800;

/** The layout of a model-quality baseline dataset: CSV with a header row, so columns are named. */
export const MODEL_QUALITY_DATASET_FORMAT: BaselineDatasetFormat = { kind: 'csv', header: true };

/** The environment's model-quality settings; an environment without them has no model-quality jobs to run. */
export function modelQualityOf(spec: MonitoringSpec): ModelQualitySpec {
  if (!spec.modelQuality) {
    throw new Error(`Drift detection on ${spec.endpointName} does not monitor model quality`);
  }
  return spec.modelQuality;
}

/** The model-quality variables of a suggest-baseline job's environment: the analysis and the dataset's columns. */
export function modelQualityBaselineEnvironment(modelQuality: ModelQualitySpec): Record<string, string> {
  const columns = modelQuality.baselineColumns;
  return {
    analysis_type: 'MODEL_QUALITY',
    problem_type: modelQuality.problemType,
    ground_truth_attribute: columns.groundTruth,
    ...(columns.inference !== undefined ? { inference_attribute: columns.inference } : {}),
    ...(columns.probability !== undefined ? { probability_attribute: columns.probability } : {}),
    ...(modelQuality.probabilityThreshold !== undefined ? { probability_threshold_attribute: String(modelQuality.probabilityThreshold) } : {}),
  };
}

/** The endpoint input of a model-quality job: where the prediction is in the captured responses, and the window each run reads. */
export function modelQualityEndpointInput(modelQuality: ModelQualitySpec, endpointName: string, localPath: string): EndpointInput {
  const output = modelQuality.endpointOutput;
  return {
    EndpointName: endpointName,
    LocalPath: localPath,
    S3InputMode: 'File',
    S3DataDistributionType: 'FullyReplicated',
    InferenceAttribute: output.inference,
    ProbabilityAttribute: output.probability,
    ProbabilityThresholdAttribute: modelQuality.probabilityThreshold,
    StartTimeOffset: modelQuality.startTimeOffset,
    EndTimeOffset: modelQuality.endTimeOffset,
  };
}
