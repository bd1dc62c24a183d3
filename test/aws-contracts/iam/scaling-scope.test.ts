import { Template } from 'aws-cdk-lib/assertions';
import { evaluate } from './policy-evaluator';
import { DeployedRole, deployedRole } from './role-policies';
import { ByomPipeline, IntegrationTests } from '../../../src';
import { basicProps, newStack } from '../../pipeline/fixtures';
import { deployStack } from '../cloudformation/deployed-stack';

/**
 * Application Auto Scaling names scalable targets with generated IDs, so the
 * deploy and test roles cannot name their targets' ARNs: they are scoped by
 * the endpoint tag the handlers put on the targets they register. Evaluated
 * with iam-simulate on the deployed policies: a role may change its own
 * environment's targets and no other endpoint's.
 */
const VARIANT_CONTEXT = {
  'application-autoscaling:service-namespace': 'sagemaker',
  'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
};
const TARGET = 'arn:aws:application-autoscaling:us-east-1:111111111111:scalable-target/056b9d8c9f9a3c6e1d7f0a1b2c3d4e5f';

function roles(): DeployedRole[] {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack, {
    environments: [{
      name: 'prod',
      instanceCount: 2,
      autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 },
      // The test role rolls a failed release back, taking the variant out of scaling around it.
      tests: IntegrationTests.requests([{ body: '1,2,3' }]),
    }],
  }));
  const deployed = deployStack(Template.fromStack(stack).toJSON(), { stackName: stack.stackName, account: '111111111111', region: 'us-east-1' });
  return ['ChurnDeployRole', 'ChurnTestsRole'].map((prefix) => {
    const role = [...deployed.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && r.logicalId.startsWith(prefix));
    if (!role) throw new Error(`no role ${prefix}* in the stack`);
    return deployedRole(deployed, role.logicalId);
  });
}

const cases: Array<[string, string, string, Record<string, string>, 'allowed' | 'denied']> = [
  ['registers its own endpoint\'s target, tagged', 'application-autoscaling:RegisterScalableTarget', '*', { 'aws:RequestTag/mlops:endpoint': 'churn-prod' }, 'allowed'],
  ['registers another endpoint\'s target', 'application-autoscaling:RegisterScalableTarget', '*', { 'aws:RequestTag/mlops:endpoint': 'fraud-prod' }, 'denied'],
  ['registers a target without the tag', 'application-autoscaling:RegisterScalableTarget', '*', {}, 'denied'],
  ['deregisters its own endpoint\'s target', 'application-autoscaling:DeregisterScalableTarget', TARGET, { 'aws:ResourceTag/mlops:endpoint': 'churn-prod' }, 'allowed'],
  ['deregisters another endpoint\'s target', 'application-autoscaling:DeregisterScalableTarget', TARGET, { 'aws:ResourceTag/mlops:endpoint': 'fraud-prod' }, 'denied'],
  ['deregisters an untagged target', 'application-autoscaling:DeregisterScalableTarget', TARGET, {}, 'denied'],
  ['puts a policy on its own endpoint\'s target', 'application-autoscaling:PutScalingPolicy', TARGET, { 'aws:ResourceTag/mlops:endpoint': 'churn-prod' }, 'allowed'],
  ['puts a policy on another endpoint\'s target', 'application-autoscaling:PutScalingPolicy', TARGET, { 'aws:ResourceTag/mlops:endpoint': 'fraud-prod' }, 'denied'],
  // A target not registered has no tag for the grants above to match: the handlers look before they deregister.
  ['looks up whether its target is registered', 'application-autoscaling:DescribeScalableTargets', '*', {}, 'allowed'],
];

const [deployRole, testRole] = roles();

describe.each([['deploy', deployRole], ['test', testRole]])('the %s role', (_which, role) => {
  test.each(cases)('%s: %s', async (_name, action, resource, tags, expected) => {
    const request = { principal: role.arn, action, resource, context: { ...VARIANT_CONTEXT, ...tags } };
    const verdict = await evaluate(request, { identityPolicies: role.policies });
    expect(verdict.kind).toBe(expected);
  });
});
