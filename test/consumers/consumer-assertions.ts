/**
 * What every consumer test (Python, Java, Go) checks of the template its app
 * synthesized, besides equality with the TypeScript app's.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { comparableTemplate, differences } from './template-comparison';

/** The `initialInstanceCount` each environment's deploy spec holds, by environment. */
export function initialInstanceCounts(template: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of JSON.stringify(template).matchAll(/\\"initialInstanceCount\\":(\d+),.*?\\"rollbackAlarms\\":\[\\"churn-(\w+)-model/g)) {
    counts[match[2]] = Number(match[1]);
  }
  return counts;
}

/**
 * Two empty templates would compare equal too: the app must really have
 * built the orchestrator and the two-environment pipeline the reference app has.
 */
export function expectOrchestratorAndPipeline(synthesized: any): void {
  const template = Template.fromJSON(synthesized);
  template.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
  // The orchestrator's provisioning API and one inference API per environment.
  template.resourceCountIs('AWS::ApiGateway::RestApi', 3);
  const types = ['AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::IAM::Role', 'AWS::CloudWatch::Alarm'];
  expect(types.filter((type) => Object.keys(template.findResources(type)).length === 0)).toEqual([]);
  // The framework's provisioning handler, by the ID the app gave the orchestrator.
  expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.startsWith('MlopsProvision'))).toHaveLength(1);
  const [pipeline] = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipeline.Properties.Name).toBe('churn-mlops');
  expect(pipeline.Properties.Stages.map((stage: any) => stage.Name)).toEqual([
    'Source', 'Deploy-dev', 'Test-dev', 'Share-dev', 'Approve-prod', 'Deploy-prod', 'Share-prod',
  ]);
  expect(initialInstanceCounts(synthesized)).toEqual({ dev: 1, prod: 2 });
}

/**
 * The comparison is not vacuous: an app run with prod's instance count 3
 * (`CONSUMER_PROD_INSTANCE_COUNT`) no longer compares equal, the only
 * difference is prod's deploy spec, and putting the 2 back makes them equal.
 */
export function expectOnlyProdInstanceCountChanged(changed: any, reference: any): void {
  expect(initialInstanceCounts(changed)).toEqual({ dev: 1, prod: 3 });
  expect(comparableTemplate(changed)).not.toEqual(comparableTemplate(reference));
  // Only prod's deploy spec (the SSM parameter the deploy handler reads) differs.
  const found = differences(comparableTemplate(changed), comparableTemplate(reference));
  expect(found).toEqual([expect.stringMatching(/^\$\.Resources\.ChurnDeploySpecprod[0-9A-F]{8}\.Properties\.Value\./)]);
  const restored = JSON.parse(JSON.stringify(changed).replace('\\"initialInstanceCount\\":3', '\\"initialInstanceCount\\":2'));
  expect(comparableTemplate(restored)).toEqual(comparableTemplate(reference));
}
