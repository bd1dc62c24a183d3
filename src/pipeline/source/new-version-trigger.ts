import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of {@link startOnNewVersion}. */
export interface NewVersionTriggerProps {
  readonly pipeline: codepipeline.Pipeline;
  /** The S3 source action whose object starts the pipeline. */
  readonly source: actions.S3SourceAction;
  readonly bucket: s3.IBucket;
  readonly key: string;
  readonly description: string;
}

/**
 * A new version of the source action's object starts the pipeline, through
 * EventBridge (no polling), and the execution releases exactly that version.
 * Without a source revision override, the S3 source action takes the object's
 * newest version when it runs, not the uploaded one: two quick uploads would
 * release the second twice. CodePipeline's documented override for S3
 * sources (S3_OBJECT_VERSION_ID, from the event's `detail.object.version-id`)
 * pins the execution to the version the event announces.
 */
export function startOnNewVersion(scope: Construct, id: string, props: NewVersionTriggerProps): events.Rule {
  props.bucket.enableEventBridgeNotification();
  return new events.Rule(scope, id, {
    description: props.description,
    eventPattern: {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: { bucket: { name: [props.bucket.bucketName] }, object: { key: [props.key] } },
    },
    targets: [new UploadedVersionTarget(props.pipeline, props.source.actionProperties.actionName)],
  });
}

/** CDK's CodePipeline target (its role may start only this pipeline), with the event's object version as the source revision. */
class UploadedVersionTarget implements events.IRuleTarget {
  private readonly target: targets.CodePipeline;

  constructor(pipeline: codepipeline.IPipeline, private readonly actionName: string) {
    this.target = new targets.CodePipeline(pipeline);
  }

  public bind(rule: events.IRule, id?: string): events.RuleTargetConfig {
    return {
      ...this.target.bind(rule, id),
      input: events.RuleTargetInput.fromObject({
        sourceRevisions: {
          actionName: this.actionName,
          revisionType: 'S3_OBJECT_VERSION_ID',
          revisionValue: events.EventField.fromPath('$.detail.object.version-id'),
        },
      }),
    };
  }
}
