/**
 * The demo (README command one): synthesizes examples/, prints what each
 * stack holds and what cfn-lint and cdk-nag say about it, then releases the
 * example model through every environment with the real deploy handler
 * against a local AWS emulator, and invokes the endpoint. No AWS account.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { Stack } from 'aws-cdk-lib';
import { resolveLocally } from './local-resolve';
import { buildExampleApp } from '../examples/app';
import { DEPLOY_SPEC_VARIABLE, DeploySettings, DeploySpec } from '../src/pipeline/deploy/deploy-spec';
import { runDeployJob } from '../src/pipeline/deploy/deploy.lambda';
import { runActionToCompletion } from '../test/fixtures/codepipeline-driver';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';
import { formatCfnLintFindings, runCfnLint } from '../test/harness/cfn-lint';
import { startMotoServer, setDescribesUntilReady } from '../test/harness/moto-server';
import { formatNagFindings, nagFindings } from '../test/harness/nag';

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
/** The emulator accepts any credentials; explicit ones keep the demo off any real AWS profile. */
const LOCAL = { region: REGION, credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } };
const started = Date.now();

function log(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds}s] ${line}`);
}

function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [index, row] of rows.entries()) {
    console.log('  ' + row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
    if (index === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

async function synthesizeAndCheck(): Promise<{ template: any; clean: boolean }> {
  log('Synthesizing examples/ ...');
  const outdir = mkdtempSync(join(tmpdir(), 'mlops-demo-'));
  const app = buildExampleApp(outdir);
  const assembly = app.synth();
  const rows = [['stack', 'resources', 'template size', 'cfn-lint', 'cdk-nag AwsSolutions']];
  let clean = true;
  for (const artifact of assembly.stacks) {
    const template = artifact.template;
    const lint = runCfnLint(template);
    const stack = app.node.findChild(artifact.stackName) as Stack;
    const nag = nagFindings(stack);
    clean &&= lint.errors.length === 0 && lint.warnings.length === 0 && nag.length === 0;
    rows.push([
      artifact.stackName,
      String(Object.keys(template.Resources ?? {}).length),
      `${(JSON.stringify(template).length / 1024).toFixed(1)} KiB`,
      `${lint.errors.length} errors, ${lint.warnings.length} warnings`,
      nag.length === 0 ? 'clean' : `${nag.length} findings`,
    ]);
    if (lint.errors.length + lint.warnings.length > 0) console.log(formatCfnLintFindings([...lint.errors, ...lint.warnings]));
    if (nag.length > 0) console.log(formatNagFindings(nag));
  }
  table(rows);
  rmSync(outdir, { recursive: true, force: true });
  return { template: assembly.getStackByName('ChurnModel').template, clean };
}

/**
 * The deploy spec the construct synthesized, with intrinsics resolved as a
 * deployment would: the settings from the deploy function's environment, each
 * environment's spec from the SSM parameter the settings point at.
 */
function localDeploySpec(template: any): DeploySpec {
  const resources = Object.entries<any>(template.Resources);
  const deployment = {
    account: ACCOUNT,
    region: REGION,
    mappings: template.Mappings,
    // Parameters are found by the name the demo gives them: their logical ID.
    physicalNames: Object.fromEntries(resources.filter(([, r]) => r.Type === 'AWS::SSM::Parameter').map(([id]) => [id, id])),
  };
  const variable = resources.map(([, r]) => r.Properties?.Environment?.Variables?.[DEPLOY_SPEC_VARIABLE]).find((v) => v);
  if (!variable) {
    throw new Error('The example stack has no deploy function');
  }
  const settings: DeploySettings = JSON.parse(resolveLocally(variable, deployment));
  const environments = Object.fromEntries(Object.entries(settings.environmentParameters).map(([name, parameter]) => {
    const value = template.Resources[parameter].Properties.Value;
    return [name, JSON.parse(resolveLocally(value, deployment))];
  }));
  return { pipelineName: settings.pipelineName, artifact: settings.artifact, environments };
}

async function main(): Promise<void> {
  const { template, clean } = await synthesizeAndCheck();
  log(clean ? 'Every stack is cfn-lint and cdk-nag clean.' : 'Some stacks have findings (listed above).');

  log('Starting the local AWS emulator (moto) on 127.0.0.1 ...');
  const moto = await startMotoServer();
  let failed = false;
  try {
    await setDescribesUntilReady(moto.endpoint, 2);
    const clients = {
      sagemaker: new SageMakerClient({ ...LOCAL, endpoint: moto.endpoint }),
      s3: new S3Client({ ...LOCAL, endpoint: moto.endpoint, forcePathStyle: true }),
      autoscaling: new ApplicationAutoScalingClient({ ...LOCAL, endpoint: moto.endpoint }),
    };
    const spec = localDeploySpec(template);
    // The stages in the order the synthesized pipeline runs them.
    const pipelineResource = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
    const stages: string[] = pipelineResource.Properties.Stages.map((s: { Name: string }) => s.Name);
    const buckets = new Set([spec.artifact.bucket, ...Object.values(spec.environments).map((e) => e.releaseBucket)]);
    for (const bucket of buckets) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    }
    const runtime = new SageMakerRuntimeClient({ ...LOCAL, endpoint: moto.endpoint });

    /** One pipeline execution: a new artifact version released through every environment in order. */
    const execute = async (title: string): Promise<boolean> => {
      const artifact = { Bucket: spec.artifact.bucket, Key: spec.artifact.key };
      const upload = await clients.s3.send(new PutObjectCommand({ ...artifact, Body: xgboostModelArtifact() }));
      log(`${title}: uploaded s3://${spec.artifact.bucket}/${spec.artifact.key} (version ${upload.VersionId}), which starts the pipeline`);
      const executionId = `demo-${upload.VersionId}`;
      for (const stage of stages) {
        if (stage.startsWith('Approve-')) {
          log(`Stage ${stage}: the topic announces a waiting approval; the demo approves (in AWS a person does, in the console)`);
          continue;
        }
        if (!stage.startsWith('Deploy-')) {
          continue;
        }
        const environment = stage.slice('Deploy-'.length);
        log(`Stage ${stage}: invoking the deploy handler as CodePipeline would`);
        const { final } = await runActionToCompletion(
          (job) => runDeployJob(job, spec, clients),
          { id: `job-${environment}`, userParameters: { environment, executionId, artifactVersion: upload.VersionId } },
          { onStep: ({ call, outcome }) => log(`  call ${call}: ${outcome.kind.padEnd(11)} ${outcome.message}`) },
        );
        if (final.kind !== 'succeeded') {
          log(`Release stopped at ${environment}: ${final.message}`);
          return false;
        }
        const endpointName = spec.environments[environment].endpointName;
        const described = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
        log(`  endpoint ${endpointName}: ${described.EndpointStatus} on ${described.EndpointConfigName}`);
        const answer = await runtime.send(new InvokeEndpointCommand({ EndpointName: endpointName, ContentType: 'text/csv', Body: Buffer.from('0.7,1.0') }));
        const body = Buffer.from(answer.Body ?? []).toString();
        log(`  invoked ${endpointName} with "0.7,1.0": HTTP ${answer.$metadata.httpStatusCode}, body ${JSON.stringify(body)} (the emulator's canned answer)`);
      }
      return true;
    };

    failed = !(await execute('First release')) || !(await execute('Second release (the endpoints are updated in place)'));
  } finally {
    await moto.stop();
  }
  if (failed || !clean) {
    log('Demo finished with failures.');
    process.exitCode = 1;
  } else {
    log('Demo finished: the model is InService in every environment.');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
