import { DeleteModelCommand, ListModelsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { TransformOutcome, TransformRequest, TransformState, continueTransform, startTransform } from './batch-transform';
import { ReleaseClients, ReleaseRequest, createReleaseModel } from './release-model';
import { Removal, removeEach, staleNames } from './removal';
import type { BatchTransformSpec } from '../contract/batch-settings';
import type { EnvironmentDeploySpec } from '../contract/deploy-settings';
import { isReleaseName } from '../contract/naming';

/*
 * A release of a batch environment: the same staged artifact and model as an
 * endpoint release, then a transform job over the environment's input
 * instead of an endpoint update. Old release models are removed once the
 * transform completed; transform jobs stay in SageMaker's history.
 */

export type BatchReleaseOutcome =
  | (Extract<TransformOutcome, { kind: 'succeeded' }> & { readonly cleanup: Removal })
  | Exclude<TransformOutcome, { kind: 'succeeded' }>;

/** The transform spec of a batch environment: its batch fields plus what every environment has. */
export function batchTransformSpec(spec: EnvironmentDeploySpec): BatchTransformSpec {
  if (!spec.batch) {
    throw new Error(`Environment with endpoint ${spec.endpointName} is not a batch environment`);
  }
  const { check: _check, ...transform } = spec.batch;
  return {
    ...transform,
    releasePrefix: spec.releasePrefix,
    instanceType: spec.instanceType ?? 'ml.m5.large',
    instanceCount: spec.initialInstanceCount ?? 1,
    kmsKeyArn: spec.kmsKeyArn,
    tags: spec.tags,
  };
}

function transformRequest(request: ReleaseRequest): TransformRequest {
  return { environment: request.environment, executionId: request.executionId, spec: batchTransformSpec(request.spec) };
}

/**
 * Starts (or, for a retried job, resumes) a batch release: stages the
 * artifact, creates the release's model, and starts the transform job named
 * after the release. Never waits.
 */
export async function startBatchRelease(request: ReleaseRequest, clients: ReleaseClients): Promise<BatchReleaseOutcome> {
  const model = await createReleaseModel(request, clients);
  if (model.kind === 'failed') {
    return model;
  }
  return finish(request, await startTransform(transformRequest(request), clients.sagemaker), clients.sagemaker);
}

/** Checks on a batch release's transform started earlier. */
export async function continueBatchRelease(request: ReleaseRequest, state: TransformState, clients: ReleaseClients): Promise<BatchReleaseOutcome> {
  if (state.phase === 'starting') {
    // Nothing was accepted yet: the model may be missing too, so start over (every step is idempotent).
    return startBatchRelease(request, clients);
  }
  return finish(request, await continueTransform(transformRequest(request), state, clients.sagemaker), clients.sagemaker);
}

async function finish(request: ReleaseRequest, outcome: TransformOutcome, sagemaker: SageMakerClient): Promise<BatchReleaseOutcome> {
  if (outcome.kind !== 'succeeded') {
    return outcome;
  }
  return { ...outcome, cleanup: await removeOldModels(request.spec, outcome.job, sagemaker) };
}

/**
 * Deletes the release models older than the newest `keepReleases` besides
 * `current`. A model that cannot go now never fails the release.
 */
export async function removeOldModels(spec: EnvironmentDeploySpec, current: string, sagemaker: SageMakerClient): Promise<Removal> {
  const models: Array<{ name: string; created: number }> = [];
  let nextToken: string | undefined;
  do {
    const page = await sagemaker.send(new ListModelsCommand({ NameContains: spec.releasePrefix, NextToken: nextToken, MaxResults: 100 }));
    for (const model of page.Models ?? []) {
      if (model.ModelName && isReleaseName(spec.releasePrefix, model.ModelName)) {
        models.push({ name: model.ModelName, created: model.CreationTime?.getTime() ?? 0 });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return removeEach(staleNames(models, current, spec.keepReleases), (name) => sagemaker.send(new DeleteModelCommand({ ModelName: name })));
}
