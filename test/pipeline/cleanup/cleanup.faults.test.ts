import 'aws-sdk-client-mock-jest';
import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
} from '@aws-sdk/client-sagemaker';
import { cfnEvent, deletePoll, DEV, isCompleteEvent, mockedTeardownClients, PROD } from './cleanup-fixtures';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { TeardownError, tearDownEnvironment } from '../../../src/runtime/endpoint-teardown';
import { handler, isComplete, onEvent, OnEventResponse, readEnvironments } from '../../../src/runtime/handlers/cleanup.lambda';
import { awsError } from '../../fixtures/aws-error';

const { sagemaker, autoscaling, clients } = mockedTeardownClients();

const DEV_1 = releaseName('churn-dev', releaseId('exec-1'));
const DEV_2 = releaseName('churn-dev', releaseId('exec-2'));
/** Another environment's release: NameContains "churn-dev" finds it too. */
const DEV_EU = releaseName('churn-dev-eu', releaseId('exec-1'));
const VARIANT = 'endpoint/churn-dev/variant/AllTraffic';

const validation = (message: string) => awsError('ValidationException', message);
const noEndpoint = (name: string) => validation(`Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/${name}".`);

beforeEach(() => {
  // Default world: no scaling, no endpoint, no releases.
  autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
  sagemaker.on(DescribeEndpointCommand).callsFake(({ EndpointName }) => Promise.reject(noEndpoint(EndpointName)));
  sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
  sagemaker.on(ListModelsCommand).resolves({ Models: [] });
  sagemaker.on(DeleteEndpointConfigCommand).resolves({});
  sagemaker.on(DeleteModelCommand).resolves({});
});

/** Releases found on the first listing and gone on the next, as after a successful delete. */
function releasesOnce(configs: string[], models: string[] = configs): void {
  sagemaker.on(ListEndpointConfigsCommand)
    .resolvesOnce({ EndpointConfigs: configs.map((n) => ({ EndpointConfigName: n, EndpointConfigArn: 'a', CreationTime: new Date() })) })
    .resolves({ EndpointConfigs: [] });
  sagemaker.on(ListModelsCommand)
    .resolvesOnce({ Models: models.map((n) => ({ ModelName: n, ModelArn: 'a', CreationTime: new Date() })) })
    .resolves({ Models: [] });
}

describe('release clean-up: create and update', () => {
  test('create answers a stable physical ID and the isComplete marker, and calls no AWS API in either phase', async () => {
    const request = cfnEvent('Create');
    const answer = await handler(request) as OnEventResponse;
    expect(answer).toEqual({ PhysicalResourceId: 'release-cleanup-CleanupD4E4842E', MlopsCleanupPhase: 'is-complete' });
    expect(await handler(isCompleteEvent(request, answer))).toEqual({ IsComplete: true });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
  });

  test('an update that adds an environment keeps the physical ID (so CloudFormation never deletes the old one) and calls no AWS API', async () => {
    const request = cfnEvent('Update', [DEV, PROD], [DEV]);
    const answer = await handler(request) as OnEventResponse;
    expect(answer.PhysicalResourceId).toBe('release-cleanup-CleanupD4E4842E');
    expect(await handler(isCompleteEvent(request, answer))).toEqual({ IsComplete: true });
    expect(sagemaker.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
  });

  test('onEvent for a delete only hands over to isComplete, keeping the physical ID', async () => {
    expect(await handler(cfnEvent('Delete'))).toEqual({ PhysicalResourceId: 'release-cleanup-CleanupD4E4842E', MlopsCleanupPhase: 'is-complete' });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('properties the construct would not write fail a create, naming the field', () => {
    expect(() => onEvent(cfnEvent('Create', [{ ...DEV, endpointName: 'churn dev' }]))).toThrow('Environments[0].endpointName is not a SageMaker name: "churn dev"');
    expect(() => onEvent(cfnEvent('Update', [DEV, { endpointName: 'x', releasePrefix: 'x' }]))).toThrow('Environments[1].variantName is not a SageMaker name: undefined');
    expect(() => readEnvironments({})).toThrow('The release clean-up resource has no Environments list');
    expect(() => readEnvironments({ Environments: [null] })).toThrow(/Environments\[0\]\.endpointName/);
  });

  test('an environment elsewhere keeps its access role and region; malformed ones are refused, naming the field', () => {
    const access = { roleArn: 'arn:aws:iam::222222222222:role/churn-prod-mlops-access', region: 'eu-west-1' };
    expect(readEnvironments({ Environments: [{ ...DEV, access }] })[0].access).toEqual(access);
    expect(() => readEnvironments({ Environments: [{ ...DEV, access: { ...access, roleArn: 'role' } }] }))
      .toThrow('Environments[0].access.roleArn is not an IAM role ARN: "role"');
    expect(() => readEnvironments({ Environments: [{ ...DEV, access: { roleArn: access.roleArn } }] }))
      .toThrow('Environments[0].access.region is not an AWS region: undefined');
  });
});

describe('release clean-up: deletion', () => {
  test('deregisters the variant\'s scalable targets, whatever their dimension, before deleting the endpoint', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [
        { ServiceNamespace: 'sagemaker', ResourceId: VARIANT, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 4, RoleARN: 'r', CreationTime: new Date() },
        { ServiceNamespace: 'sagemaker', ResourceId: VARIANT, ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency', MinCapacity: 1, MaxCapacity: 4, RoleARN: 'r', CreationTime: new Date() },
      ],
    });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService', EndpointConfigName: DEV_2 } as any);
    sagemaker.on(DeleteEndpointCommand).resolves({});

    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
    expect(autoscaling).toHaveReceivedCommandWith(DescribeScalableTargetsCommand, { ServiceNamespace: 'sagemaker', ResourceIds: [VARIANT] });
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ServiceNamespace: 'sagemaker', ResourceId: VARIANT, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' });
    expect(autoscaling).toHaveReceivedCommandWith(DeregisterScalableTargetCommand, { ServiceNamespace: 'sagemaker', ResourceId: VARIANT, ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency' });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
    // The endpoint is Deleting now: its configs wait for the next check.
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointConfigCommand);
  });

  test('a scalable target deregistered by someone else meanwhile (ObjectNotFoundException) is fine', async () => {
    autoscaling.on(DescribeScalableTargetsCommand).resolves({
      ScalableTargets: [{ ServiceNamespace: 'sagemaker', ResourceId: VARIANT, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 4, RoleARN: 'r', CreationTime: new Date() }],
    });
    autoscaling.on(DeregisterScalableTargetCommand).rejects(awsError('ObjectNotFoundException', 'No scalable target registered for service namespace: sagemaker'));
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: true });
  });

  test('an endpoint that is Creating or Updating is waited for, not deleted and not failed', async () => {
    for (const status of ['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']) {
      sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: status } as any);
      expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
    }
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointConfigCommand);
  });

  test('an endpoint that starts changing between the check and the delete is waited for', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService' } as any);
    sagemaker.on(DeleteEndpointCommand).rejects(validation('Cannot update in-progress endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-dev".'));
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
  });

  test('a Failed endpoint is deleted like a serving one', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'Failed', FailureReason: 'bad model' } as any);
    sagemaker.on(DeleteEndpointCommand).resolves({});
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
  });

  test('an endpoint gone between the check and the delete counts as deleted', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService' } as any);
    sagemaker.on(DeleteEndpointCommand).rejects(noEndpoint('churn-dev'));
    releasesOnce([DEV_1]);
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: true });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointConfigCommand, { EndpointConfigName: DEV_1 });
  });

  test('once the endpoint is gone, deletes every release config and model of the prefix, across pages, and nothing else', async () => {
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: undefined })
      .resolvesOnce({
        EndpointConfigs: [
          { EndpointConfigName: DEV_1, EndpointConfigArn: 'a', CreationTime: new Date() },
          { EndpointConfigName: DEV_EU, EndpointConfigArn: 'a', CreationTime: new Date() },
        ],
        NextToken: 'page-2',
      })
      .resolves({ EndpointConfigs: [] });
    sagemaker.on(ListEndpointConfigsCommand, { NextToken: 'page-2' })
      .resolves({ EndpointConfigs: [{ EndpointConfigName: DEV_2, EndpointConfigArn: 'a', CreationTime: new Date() }] });
    sagemaker.on(ListModelsCommand)
      .resolvesOnce({ Models: [DEV_1, 'churn-dev-manual', DEV_EU].map((n) => ({ ModelName: n, ModelArn: 'a', CreationTime: new Date() })), NextToken: 'm2' })
      .resolvesOnce({ Models: [{ ModelName: DEV_2, ModelArn: 'a', CreationTime: new Date() }] })
      .resolves({ Models: [] });

    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: true });
    expect(sagemaker).toHaveReceivedCommandWith(ListEndpointConfigsCommand, { NameContains: 'churn-dev' });
    expect(sagemaker).toHaveReceivedCommandWith(ListEndpointConfigsCommand, { NameContains: 'churn-dev', NextToken: 'page-2' });
    expect(sagemaker).toHaveReceivedCommandWith(ListModelsCommand, { NameContains: 'churn-dev', NextToken: 'm2' });
    const deletedConfigs = sagemaker.commandCalls(DeleteEndpointConfigCommand).map((c) => c.args[0].input.EndpointConfigName);
    const deletedModels = sagemaker.commandCalls(DeleteModelCommand).map((c) => c.args[0].input.ModelName);
    expect(deletedConfigs.sort()).toEqual([DEV_1, DEV_2].sort());
    expect(deletedModels.sort()).toEqual([DEV_1, DEV_2].sort());
  });

  test('a config or model already gone (ValidationException "Could not find") is fine', async () => {
    releasesOnce([DEV_1]);
    sagemaker.on(DeleteEndpointConfigCommand).rejects(validation(`Could not find endpoint configuration "arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${DEV_1}".`));
    sagemaker.on(DeleteModelCommand).rejects(validation(`Could not find model "arn:aws:sagemaker:us-east-1:123456789012:model/${DEV_1}".`));
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: true });
  });

  test('is not complete while a release made during the pass is still there', async () => {
    const late = releaseName('churn-dev', releaseId('exec-late'));
    sagemaker.on(ListEndpointConfigsCommand)
      .resolvesOnce({ EndpointConfigs: [{ EndpointConfigName: DEV_1, EndpointConfigArn: 'a', CreationTime: new Date() }] })
      .resolves({ EndpointConfigs: [{ EndpointConfigName: late, EndpointConfigArn: 'a', CreationTime: new Date() }] });
    const progress = await tearDownEnvironment(DEV, clients);
    expect(progress).toMatchObject({ done: false, remaining: [late] });
  });

  test('complete only when every environment is done', async () => {
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'churn-prod' }).resolves({ EndpointName: 'churn-prod', EndpointStatus: 'Creating' } as any);
    expect(await isComplete(deletePoll([DEV, PROD]), clients)).toEqual({ IsComplete: false });
  });
});

describe('release clean-up: faults', () => {
  test('throttling during isComplete is "not complete yet", not a failure', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(isComplete(deletePoll(), clients)).resolves.toEqual({ IsComplete: false });
  });

  test('a throttled environment does not hold up the others\' pass', async () => {
    autoscaling.on(DescribeScalableTargetsCommand, { ResourceIds: [VARIANT] }).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    sagemaker.on(ListEndpointConfigsCommand, { NameContains: 'churn-prod' })
      .resolvesOnce({ EndpointConfigs: [{ EndpointConfigName: releaseName('churn-prod', releaseId('p')), EndpointConfigArn: 'a', CreationTime: new Date() }] })
      .resolves({ EndpointConfigs: [] });
    expect(await isComplete(deletePoll([DEV, PROD]), clients)).toEqual({ IsComplete: false });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointConfigCommand, { EndpointConfigName: releaseName('churn-prod', releaseId('p')) });
  });

  test('a service error (HTTP 5xx) or a time-out is retried at the next check', async () => {
    sagemaker.on(DescribeEndpointCommand).rejectsOnce(awsError('InternalFailure', 'oops', 500)).rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
    expect(await isComplete(deletePoll(), clients)).toEqual({ IsComplete: false });
  });

  test('AccessDenied fails the deletion with a message naming the resource, after the other environments had their pass', async () => {
    releasesOnce([DEV_1]);
    sagemaker.on(DeleteEndpointConfigCommand, { EndpointConfigName: DEV_1 })
      .rejects(awsError('AccessDeniedException', `User is not authorized to perform: sagemaker:DeleteEndpointConfig on resource: endpoint-config/${DEV_1}`));
    const prodRelease = releaseName('churn-prod', releaseId('p'));
    sagemaker.on(ListModelsCommand, { NameContains: 'churn-prod' })
      .resolvesOnce({ Models: [{ ModelName: prodRelease, ModelArn: 'a', CreationTime: new Date() }] })
      .resolves({ Models: [] });

    await expect(isComplete(deletePoll([DEV, PROD]), clients)).rejects.toThrow(
      `Release clean-up failed; fix the cause and delete the stack again. Could not delete endpoint config ${DEV_1}: AccessDeniedException: User is not authorized to perform: sagemaker:DeleteEndpointConfig`,
    );
    expect(sagemaker).toHaveReceivedCommandWith(DeleteModelCommand, { ModelName: prodRelease });
  });

  test('AccessDenied on the endpoint or the scaling names them', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeEndpoint'));
    await expect(isComplete(deletePoll(), clients)).rejects.toThrow('Could not describe endpoint churn-dev: AccessDeniedException: not authorized to perform: sagemaker:DescribeEndpoint');

    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService' } as any);
    sagemaker.on(DeleteEndpointCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DeleteEndpoint'));
    await expect(tearDownEnvironment(DEV, clients)).rejects.toThrow(new TeardownError('Could not delete endpoint churn-dev (InService): AccessDeniedException: not authorized to perform: sagemaker:DeleteEndpoint'));

    autoscaling.on(DescribeScalableTargetsCommand).rejects(awsError('AccessDeniedException', 'no'));
    await expect(tearDownEnvironment(DEV, clients)).rejects.toThrow(`Could not describe the scalable targets of ${VARIANT}: AccessDeniedException: no`);
  });

  test('malformed properties fail the deletion instead of guessing what to delete', async () => {
    const request = cfnEvent('Delete', [{ ...DEV, releasePrefix: '' }]);
    await expect(handler(isCompleteEvent(request, onEvent(request)))).rejects.toThrow('Environments[0].releasePrefix is not a SageMaker name: ""');
    expect(sagemaker.calls()).toHaveLength(0);
  });
});
