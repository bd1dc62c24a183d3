import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { REGISTRY_GROUP, REQUESTS } from './registry-world';
import { deployWorldStack, worldStack } from './world-stacks';
import { ReleaseRequestTrigger } from '../../../src/pipeline/registry/release-request-trigger';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

let world: PolicyWorld | undefined;

/** A release-request trigger for the registry fixtures' group: its role's grants are the construct's. */
export function releaseRequestWorld(): PolicyWorld {
  if (!world) {
    const stack = worldStack('ReleaseRequestMlops');
    const bucket = s3.Bucket.fromBucketName(stack, 'Requests', REQUESTS.bucket);
    new ReleaseRequestTrigger(stack, 'ReleaseRequests', {
      pipelineName: 'churn-mlops', group: REGISTRY_GROUP, bucket, key: REQUESTS.key, logRetention: logs.RetentionDays.ONE_WEEK,
    });
    world = new PolicyWorld('release-request trigger', [deployWorldStack(stack)]);
  }
  return world;
}

/** That trigger's function, acting as its role. */
export function releaseRequestRole(): ActingRole {
  return { handler: 'release-request', world: releaseRequestWorld(), role: releaseRequestWorld().role('ReleaseRequestsRole') };
}
