/**
 * The numbers and patterns of the pipeline schema, in one place: the schema
 * (and so the validator, the published JSON Schema and the ByomPipeline
 * construct's checks) and the test arbitraries read them.
 */

/**
 * Pipeline and environment names: lower-case letters, digits and single
 * hyphens. Lower case because bucket, stack and endpoint names are derived
 * from them (S3 bucket names allow no upper case); single hyphens because
 * SageMaker's name rule is `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$` and derived names join parts with one.
 */
export const NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** The longest name: a request's `name`, the construct's `modelName`. */
export const PIPELINE_NAME_MAX = 40;
/** The longest environment name. */
export const ENVIRONMENT_NAME_MAX = 20;
/**
 * The most environments a provisioned pipeline may have: the framework ships
 * one blueprint per environment count (a construct-built ByomPipeline has no limit).
 */
export const MAX_ENVIRONMENTS = 4;

/** SageMaker's per-variant ceiling on instances (initial count and auto scaling). */
export const MAX_INSTANCE_COUNT = 100;
/** Serverless memory sizes SageMaker accepts, in MB. */
export const SERVERLESS_MEMORY_SIZES: readonly number[] = [1024, 2048, 3072, 4096, 5120, 6144];
/** SageMaker's ceiling on a serverless variant's concurrency. */
export const SERVERLESS_MAX_CONCURRENCY = 200;
/** The construct's range for `keepReleases`. */
export const KEEP_RELEASES_MAX = 20;

/** Pipeline notification emails: one SNS subscription each. */
export const MAX_EMAILS = 10;
/** RFC 5321's limit on an address; also keeps the pattern's work bounded. */
export const EMAIL_MAX = 254;
/**
 * The construct's deliberately loose address check: one "@", something on
 * each side, a dot in the domain, no spaces or control characters (no
 * address has them, and they would reach SNS and mail headers). SNS confirms the rest.
 */
export const EMAIL_PATTERN = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+\.[^\s@\u0000-\u001f\u007f]+$/;

/** Request tests per environment. */
export const MAX_TESTS = 20;
/** The construct's limit on a test's name. */
export const TEST_NAME_MAX = 100;
/** Entries of `bodyContains` and of `jsonPath`, each. */
export const MAX_EXPECTATIONS = 20;
/** Longest MIME type accepted for `contentType` / `accept`. */
export const MIME_TYPE_MAX = 255;
/**
 * The construct's MIME type check: a type, then optional parameters on the
 * same line. It becomes an HTTP header, so no line break or other control
 * character may follow it.
 */
export const MIME_TYPE_PATTERN = /^[\w.+-]+\/[\w.+-]+([ \t]*;[^\u0000-\u001f\u007f]*)?$/;
/** Longest JSON path of an expectation. */
export const JSON_PATH_MAX = 256;
/** SageMaker's real-time invocation timeout is 60 s, so a longer latency budget means nothing. */
export const MAX_LATENCY_MS = 60_000;
/**
 * An environment's tests travel as one CloudFormation parameter and are
 * stored in one standard SSM parameter: both hold 4096 characters.
 */
export const TESTS_JSON_MAX = 4096;

/**
 * A batch environment's transform and check travel to its pipeline stack
 * as one CloudFormation parameter, which holds 4096 bytes.
 */
export const BATCH_SPEC_JSON_MAX_BYTES = 4096;
/** The longest S3 bucket name: the assets bucket's name, unknown to the validator, is no longer. */
export const BUCKET_NAME_MAX = 63;

/** S3's limit on an object key, in UTF-8 bytes. */
export const S3_KEY_MAX_BYTES = 1024;
/** What a model artifact's key ends with: SageMaker reads a gzipped tarball. */
export const ARTIFACT_SUFFIX = '.tar.gz';
/** What a container source's key ends with: CodeBuild reads a zip. */
export const CONTAINER_SOURCE_SUFFIX = '.zip';

/** How SageMaker cuts a batch environment's input objects into records (its SplitType). */
export const BATCH_SPLIT_TYPES = ['None', 'Line', 'RecordIO', 'TFRecord'] as const;
/**
 * SageMaker's ceiling on a transform request's payload (MaxPayloadInMB), and
 * on the payload times the parallel requests (MaxConcurrentTransforms) of one instance.
 */
export const BATCH_MAX_PAYLOAD_MB = 100;
/** SageMaker's payload when MaxPayloadInMB is left out. */
export const BATCH_DEFAULT_PAYLOAD_MB = 6;
/**
 * Parallel requests per transform instance. MaxConcurrentTransforms itself
 * only has a minimum; its ceiling follows from the payload rule above, with
 * a payload of at least 1 MB.
 */
export const BATCH_MAX_CONCURRENT_TRANSFORMS = BATCH_MAX_PAYLOAD_MB;
/** Output objects a batch environment's check may ask for: the test step lists them all. */
export const BATCH_CHECK_MAX_MIN_OBJECTS = 10_000;

/** Baseline dataset layouts of drift detection: CSV with or without a header row, or JSON Lines. */
export const MONITORING_DATASET_FORMATS = ['csv', 'csvNoHeader', 'jsonLines'] as const;
/** How often drift detection checks the captured traffic. */
export const MONITORING_FREQUENCIES = ['hourly', 'daily'] as const;
/**
 * A processing instance type of the baseline and monitoring jobs: only its
 * shape is checked (`ml.<family>.<size>`); SageMaker knows which it runs.
 */
export const PROCESSING_INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** Longer than any SageMaker instance type; keeps the pattern's work bounded. */
export const PROCESSING_INSTANCE_TYPE_MAX = 64;
/** SageMaker's ceiling on a processing job's instances (ProcessingClusterConfig.InstanceCount). */
export const PROCESSING_MAX_INSTANCE_COUNT = 100;
/** The most constraint violations one drift check may need before the alarm goes off. */
export const MONITORING_MAX_VIOLATIONS_THRESHOLD = 1_000_000;

/** Longest ECR image URI accepted (host, a 256-character repository name and a digest fit well within it). */
export const IMAGE_URI_MAX = 512;

/** Most pipelines one `mlops-config.json` may list: each becomes a stack, provisioned in one run. */
export const MAX_CONFIG_PIPELINES = 50;
/** Default size limit of a JSON document (request body or config file). */
export const DEFAULT_DOCUMENT_MAX_BYTES = 256 * 1024;

/**
 * Where the config trigger looks for config files in the assets bucket: no
 * batch output may go there, or every output object would start the trigger.
 */
export const CONFIG_PREFIX = 'config/';
