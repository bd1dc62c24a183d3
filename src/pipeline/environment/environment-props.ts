import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TrafficShift } from './traffic-shift';
import { BatchProps } from '../batch/batch-props';
import { MonitoringProps } from '../monitoring/monitoring-props';
import { IntegrationTests } from '../integration-tests/integration-tests';

/** A serverless endpoint variant: SageMaker provisions compute per request. */
export interface ServerlessProps {
  /** Memory of each worker, in MB: 1024, 2048, 3072, 4096, 5120 or 6144. */
  readonly memorySizeMb: number;
  /** Concurrent invocations at most, from 1 to 200. */
  readonly maxConcurrency: number;
  /**
   * Concurrent invocations kept warm, at most `maxConcurrency`.
   * @default - none: every worker starts on demand
   */
  readonly provisionedConcurrency?: number;
}

/** Target-tracking autoscaling of an instance-backed endpoint on invocations per instance. */
export interface AutoScalingProps {
  /** The most instances scaling may run, from the instance count up to 100. */
  readonly maxInstances: number;
  /**
   * The fewest instances scaling may run, at most the instance count.
   * @default - the environment's instanceCount
   */
  readonly minInstances?: number;
  /** The invocations per instance per minute that scaling aims at. */
  readonly targetInvocationsPerInstance: number;
  /**
   * How long scaling waits after a scale-in before the next.
   * @default - Application Auto Scaling's default (300 seconds)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * How long scaling waits after a scale-out before the next.
   * @default - Application Auto Scaling's default (300 seconds)
   */
  readonly scaleOutCooldown?: Duration;
}

/** The alarms that roll a release back while its traffic moves; they also watch the endpoint afterwards. */
export interface RollbackAlarmProps {
  /**
   * 5XX errors per minute from the model container that raise the alarm.
   * @default 1
   */
  readonly maxErrorsPerMinute?: number;
  /**
   * The average model latency over a minute that raises the alarm.
   * @default Duration.seconds(2)
   */
  readonly maxModelLatency?: Duration;
  /**
   * How many consecutive minutes over a threshold raise an alarm.
   * @default 2
   */
  readonly evaluationMinutes?: number;
}

/** Capture of the endpoint's requests and responses to S3, e.g. for drift detection. */
export interface DataCaptureProps {
  /**
   * The share of requests captured, from 1 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * The bucket captured data is written to.
   * @default - the pipeline's artifact bucket
   */
  readonly bucket?: s3.IBucket;
  /**
   * The key prefix captured data is written under.
   * @default `data-capture/<endpoint name>/`
   */
  readonly prefix?: string;
}

/**
 * One environment a model is released to, in order: dev, staging, prod, or any others.
 */
export interface EnvironmentProps {
  /**
   * The environment's name, unique within the pipeline. It is part of the
   * endpoint's name, so it may hold lower-case letters, digits and single
   * hyphens only (at most 20), the rule of a provisioning request's environment name.
   */
  readonly name: string;

  /**
   * The AWS account the environment's endpoint runs in. For an account (or
   * region) other than the pipeline stack's, deploy an
   * `MlopsEnvironmentAccess` for this environment in that account first: the
   * pipeline's handlers act there through the role it creates.
   * @default - the pipeline stack's account
   */
  readonly account?: string;

  /**
   * The AWS region the environment's endpoint runs in (see `account`).
   * @default - the pipeline stack's region
   */
  readonly region?: string;

  /**
   * The instance type of the endpoint's production variant. Not with `serverless`.
   * @default 'ml.m5.large'
   */
  readonly instanceType?: string;

  /**
   * How many instances serve the endpoint. Not with `serverless`.
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * Run the endpoint's containers in this VPC. Not with `serverless`. The
   * subnets need a route to S3 (a gateway endpoint) and to ECR for the image.
   * @default - SageMaker's own network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` the containers run in.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The security groups of the containers.
   * @default - a new group with outbound access only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The team's integration tests, run against the new release before the
   * environment shares it; a failure rolls the environment back to its last
   * good config (request tests) and stops the release before later environments.
   * @default - no Test stage
   */
  readonly tests?: IntegrationTests;

  /**
   * Wait for a person's approval in the pipeline before releasing to this
   * environment; the pipeline's topic says an approval is waiting.
   * @default false
   */
  readonly approval?: boolean;

  /**
   * How later releases move traffic to the new config (SageMaker blue/green),
   * rolled back automatically by the environment's alarms. Not with `serverless`,
   * which SageMaker updates without blue/green.
   * @default TrafficShift.allAtOnce() with a five-minute bake time
   */
  readonly trafficShift?: TrafficShift;

  /**
   * Thresholds of the alarms that roll a release back.
   * @default - 1 error per minute, 2 seconds average latency, 2 minutes
   */
  readonly rollbackAlarms?: RollbackAlarmProps;

  /**
   * Scale the instances with the load. Not with `serverless`.
   * @default - a fixed instance count
   */
  readonly autoScaling?: AutoScalingProps;

  /**
   * Serve the model from a serverless variant instead of instances.
   * @default - an instance-backed variant
   */
  readonly serverless?: ServerlessProps;

  /**
   * Capture requests and responses to S3. Not with `serverless` (SageMaker does not support it there).
   * @default - no capture
   */
  readonly dataCapture?: DataCaptureProps;

  /**
   * Detect drift: capture the endpoint's traffic and check it against a
   * baseline on a schedule; violations raise an alarm that emails the
   * pipeline's topic. Adds a Monitor stage after Share. Not with `serverless`
   * or `batch`, nor in another account or region.
   * @default - no drift detection
   */
  readonly monitoring?: MonitoringProps;

  /**
   * Make this a batch environment: each release runs a batch transform job
   * over the input instead of updating an endpoint, on `instanceType` x
   * `instanceCount`. Only `instanceType`, `instanceCount`, `vpc`, `subnets`,
   * `securityGroups`, `kmsKey`, `approval` and `tags` apply besides it; not in
   * another account or region.
   * @default - a real-time endpoint
   */
  readonly batch?: BatchProps;

  /**
   * The KMS key that encrypts the instances' storage volumes and the captured
   * data. Not with `serverless`, whose variants have no storage volume to encrypt.
   * @default - AWS managed encryption
   */
  readonly kmsKey?: kms.IKey;

  /**
   * Tags for the environment's SageMaker model, endpoint config and endpoint,
   * added to the tags the pipeline puts on every resource it creates.
   * @default - only the pipeline's own tags
   */
  readonly tags?: { [key: string]: string };
}
