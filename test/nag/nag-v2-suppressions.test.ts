import { App, Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { acknowledgeRule, justifyWildcards } from '../../src/nag/acknowledgements';

/**
 * Stands for cdk-nag 2's AwsSolutionsChecks as the library sees it: an Aspect
 * with a pack name. It records the `cdk_nag` metadata of each resource when it
 * visits it (at the default priority), which is what cdk-nag 2 reads then.
 * (test/setups runs the real cdk-nag 2 on the lowest aws-cdk-lib.)
 */
class NagV2Like implements IAspect {
  public readonly seen = new Map<string, any>();
  public get readPackName(): string {
    return 'AwsSolutions';
  }
  public visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node)) this.seen.set(node.node.path, node.getMetadata('cdk_nag'));
  }
}

function stackWithAcknowledgements(): { stack: Stack; bucket: s3.Bucket; user: s3.Bucket } {
  const stack = new Stack(new App(), 'S');
  const library = new s3.Bucket(stack, 'LibraryBucket', { enforceSSL: true });
  acknowledgeRule(library, 'AwsSolutions-S1', 'The library\'s own log bucket');
  const role = new iam.Role(library, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [library.arnForObjects('releases/*')] }));
  justifyWildcards(role, [{ finding: /releases\/\*$/, reason: 'One key per release' }]);
  const user = new s3.Bucket(stack, 'UserBucket', { enforceSSL: true });
  return { stack, bucket: library, user };
}

test('with a cdk-nag 2 pack on the app, the library\'s acknowledgements are also written as cdk-nag 2 suppressions, findings as applies_to, before the pack looks', () => {
  const { stack } = stackWithAcknowledgements();
  const pack = new NagV2Like();
  Aspects.of(stack.node.root).add(pack);
  const template = Template.fromStack(stack).toJSON();
  const bucketId = Object.keys(template.Resources).find((id) => id.startsWith('LibraryBucket') && template.Resources[id].Type === 'AWS::S3::Bucket')!;
  expect(template.Resources[bucketId].Metadata.cdk_nag).toEqual({ rules_to_suppress: [{ reason: 'The library\'s own log bucket', id: 'AwsSolutions-S1' }] });
  const policyId = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::IAM::Policy')!;
  expect(template.Resources[policyId].Metadata.cdk_nag.rules_to_suppress).toContainEqual({
    reason: 'One key per release',
    id: 'AwsSolutions-IAM5',
    applies_to: [expect.stringMatching(/^Resource::<LibraryBucket[0-9A-F]+\.Arn>\/releases\/\*$/)],
  });
  // The pack saw them when it looked.
  expect(pack.seen.get('S/LibraryBucket/Role/DefaultPolicy/Resource')?.rules_to_suppress).toHaveLength(2);
});

test('a resource the library did not acknowledge gets nothing, and apps without cdk-nag 2 get no extra metadata', () => {
  const withPack = stackWithAcknowledgements();
  Aspects.of(withPack.stack.node.root).add(new NagV2Like());
  const template = Template.fromStack(withPack.stack).toJSON();
  const userId = Object.keys(template.Resources).find((id) => id.startsWith('UserBucket') && template.Resources[id].Type === 'AWS::S3::Bucket')!;
  expect(template.Resources[userId].Metadata).toBeUndefined();

  const without = stackWithAcknowledgements();
  const plain = Template.fromStack(without.stack).toJSON();
  expect(Object.values<any>(plain.Resources).filter((r) => r.Metadata?.cdk_nag)).toEqual([]);
});

test('suppressions already on a resource stay, and reasons beyond Latin-1 are base64-encoded as cdk-nag 2 expects', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.Bucket(stack, 'B', { enforceSSL: true });
  (bucket.node.defaultChild as CfnResource).addMetadata('cdk_nag', { rules_to_suppress: [{ id: 'AwsSolutions-S10', reason: 'The user\'s own reason' }] });
  acknowledgeRule(bucket, 'AwsSolutions-S1', 'Logs go elsewhere → see the trail');
  Aspects.of(stack.node.root).add(new NagV2Like());
  const resource = Object.values<any>(Template.fromStack(stack).toJSON().Resources).find((r) => r.Type === 'AWS::S3::Bucket');
  expect(resource.Metadata.cdk_nag.rules_to_suppress).toEqual([
    { id: 'AwsSolutions-S10', reason: 'The user\'s own reason' },
    { reason: Buffer.from('Logs go elsewhere → see the trail').toString('base64'), id: 'AwsSolutions-S1', is_reason_encoded: true },
  ]);
});
