import { APIGatewayClient, CreateRestApiCommand, PutMethodResponseCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CopyObjectCommand, CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { contractLine, contractProblems, ContractReport, fetchContractReport } from './contract-report';
import { ContractViolation, contractViolationFailure, takeContractViolations } from './contract-violations';
import { motoS3ClientConfig, MotoServer, resetMoto, startMotoServer } from './moto-server';

/**
 * The moto launcher refuses what AWS would refuse, as AWS answers it, on each
 * protocol the handlers' clients speak. Every refusal here is made on purpose
 * and taken from the listener (which would otherwise fail the test); the
 * server is told how many to expect when it stops.
 */
const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/mlops-sagemaker';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

let moto: MotoServer;
let madeOnPurpose = 0;
let sagemaker: SageMakerClient;

beforeAll(async () => {
  moto = await startMotoServer();
  sagemaker = client(SageMakerClient);
});

afterAll(async () => {
  await moto?.stop({ expectedContractViolations: madeOnPurpose });
});

function client<C>(Client: new (config: Record<string, unknown>) => C, extra: Record<string, unknown> = {}): C {
  return new Client({ endpoint: moto.endpoint, region: REGION, maxAttempts: 1, ...extra });
}

interface Refusal {
  readonly error: { name: string; message: string; $metadata: { httpStatusCode?: number }; [field: string]: unknown };
  readonly violation: ContractViolation;
}

/** The call's rejection, which must be a contract violation the listener noted. */
async function refused(call: Promise<unknown>): Promise<Refusal> {
  const error = await call.then(
    () => { throw new Error('the launcher let through a request AWS would refuse'); },
    (err: Refusal['error']) => err,
  );
  const violations = takeContractViolations();
  expect(violations).toHaveLength(1);
  madeOnPurpose++;
  expect(error.$metadata.httpStatusCode).toBe(400);
  return { error, violation: violations[0] };
}

describe('JSON protocol (SageMaker, awsJson1_1)', () => {
  test('a missing required member is a ValidationException: "Member must not be null"', async () => {
    const { error, violation } = await refused(sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn-dev' } as never)));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe("1 validation error detected: Value null at 'endpointConfigName' failed to satisfy constraint: Member must not be null");
    expect(violation).toMatchObject({
      call: 'SageMaker.CreateEndpoint',
      violations: "SageMaker.CreateEndpoint: Value null at 'endpointConfigName' failed to satisfy constraint: Member must not be null",
    });
  });

  test('a name too long for its length and its pattern breaks both, each counted', async () => {
    const name = 'a'.repeat(64);
    const { error } = await refused(sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: 'churn-dev-r1' })));
    expect(error.message).toBe(
      `2 validation errors detected: Value '${name}' at 'endpointName' failed to satisfy constraint: Member must have length less than or equal to 63; ` +
      `Value '${name}' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  });

  test('a pattern is matched against the whole value, as Java\'s matches() does', async () => {
    // `churn` alone satisfies the pattern: a search instead of a full match would let this through.
    const { error } = await refused(sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn_dev', EndpointConfigName: 'churn-dev-r1' })));
    expect(error.message).toBe(
      "1 validation error detected: Value 'churn_dev' at 'endpointName' failed to satisfy constraint: " +
      'Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
    );
  });

  test('an enum value and a minimum inside a list element are refused at their member path', async () => {
    const { error } = await refused(sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: 'churn-dev-r1',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn-dev-r1', InstanceType: 'ml.m5.huge' as never, InitialInstanceCount: 0 }],
    })));
    expect(error.message).toMatch(new RegExp(
      '^2 validation errors detected: ' +
      "Value '0' at 'productionVariants\\.1\\.member\\.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
      "Value 'ml\\.m5\\.huge' at 'productionVariants\\.1\\.member\\.instanceType' failed to satisfy constraint: Member must satisfy enum value set: \\[ml\\.t2\\.medium, .*ml\\.m5\\.large, .*\\]$",
    ));
  });

  test('a list shorter than its minimum length is refused', async () => {
    const { error } = await refused(sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: 'churn-dev-r1', ProductionVariants: [] })));
    expect(error.message).toBe("1 validation error detected: Value '[]' at 'productionVariants' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  test('a map key outside its pattern is reported once for the map; the model is never created', async () => {
    const { error } = await refused(sagemaker.send(new CreateModelCommand({
      ModelName: 'churn-dev-env',
      ExecutionRoleArn: ROLE,
      PrimaryContainer: { Image: IMAGE, Environment: { 'bad-key': 'v', 'GOOD_KEY': 'w' } },
    })));
    expect(error.message).toBe(
      "1 validation error detected: Value '{bad-key=v, GOOD_KEY=w}' at 'primaryContainer.environment' failed to satisfy constraint: " +
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*]',
    );
    // moto never saw the refused request: the model does not exist, and moto's own error is no contract violation.
    await expect(sagemaker.send(new DescribeModelCommand({ ModelName: 'churn-dev-env' }))).rejects.toThrow(/Could not find model/);
    expect(takeContractViolations()).toEqual([]);
  });

  test('a structure in a list is checked member by member: an empty tag key', async () => {
    const { error } = await refused(sagemaker.send(new CreateEndpointCommand({
      EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-r1', Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }, { Key: '', Value: 'x' }],
    })));
    expect(error.message).toBe("1 validation error detected: Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1");
  });

  test('a value of the wrong JSON type is a SerializationException, before validation', async () => {
    const { error, violation } = await refused(sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: 'churn_dev',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: '2' as never }],
    })));
    expect(error.name).toBe('SerializationException');
    expect(error.message).toBe('STRING_VALUE can not be converted to an Integer');
    expect(violation.violations).toContain("(at 'productionVariants.1.member.initialInstanceCount')");
  });
});

describe('query protocol (CloudFormation, STS)', () => {
  test('a missing member and a value under its minimum are one ValidationError of the Sender, both counted', async () => {
    const cloudformation = client(CloudFormationClient);
    const { error, violation } = await refused(cloudformation.send(new CreateStackCommand({ TemplateBody: '{}', TimeoutInMinutes: 0 } as never)));
    expect(error).toMatchObject({
      name: 'ValidationError',
      Type: 'Sender',
      message: '2 validation errors detected: ' +
        "Value null at 'stackName' failed to satisfy constraint: Member must not be null; " +
        "Value '0' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(violation.call).toBe('CloudFormation.CreateStack');
  });

  test('an enum checks each element of a list: "Member must satisfy constraint: [...]"', async () => {
    const cloudformation = client(CloudFormationClient);
    const { error } = await refused(cloudformation.send(new CreateStackCommand({
      StackName: 'mlops-churn', TemplateBody: '{}', Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_EVERYTHING' as never],
    })));
    expect(error.message).toBe(
      "1 validation error detected: Value '[CAPABILITY_IAM, CAPABILITY_EVERYTHING]' at 'capabilities' failed to satisfy constraint: " +
      'Member must satisfy constraint: [Member must satisfy enum value set: [CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND]]',
    );
  });

  test('STS: a session name outside its pattern and a duration under its minimum', async () => {
    const sts = client(STSClient);
    const { error } = await refused(sts.send(new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::123456789012:role/mlops-churn-deploy', RoleSessionName: 'mlops provision', DurationSeconds: 600,
    })));
    expect(error).toMatchObject({
      name: 'ValidationError',
      message: '2 validation errors detected: ' +
        "Value 'mlops provision' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*; " +
        "Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
  });
});

describe('REST JSON protocol (API Gateway, SageMaker Runtime)', () => {
  test('API Gateway names members under the operation\'s input and answers ValidationException', async () => {
    const apigateway = client(APIGatewayClient);
    const { error, violation } = await refused(apigateway.send(new UpdateStageCommand({
      restApiId: 'a1b2c3d4e5', stageName: 'v1', patchOperations: [{ op: 'delete' as never, path: '/variables/endpointName' }],
    })));
    expect(error).toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'delete' at 'updateStageInput.patchOperations.1.member.op' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [add, remove, replace, move, copy, test]',
    });
    expect(violation.call).toBe('API Gateway.UpdateStage');
  });

  test('a URI label outside its pattern, and a required body member left out', async () => {
    const apigateway = client(APIGatewayClient);
    const label = await refused(apigateway.send(new PutMethodResponseCommand({ restApiId: 'a1b2c3d4e5', resourceId: 'abc123', httpMethod: 'POST', statusCode: '600' })));
    expect(label.error.message).toBe(
      "1 validation error detected: Value '600' at 'putMethodResponseInput.statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d",
    );
    const body = await refused(apigateway.send(new CreateRestApiCommand({} as never)));
    expect(body.error.message).toBe("1 validation error detected: Value null at 'createRestApiInput.name' failed to satisfy constraint: Member must not be null");
  });

  test('SageMaker Runtime answers ValidationError; a body over its limit is refused without its (sensitive) value', async () => {
    const runtime = client(SageMakerRuntimeClient);
    const name = await refused(runtime.send(new InvokeEndpointCommand({ EndpointName: 'churn_dev', ContentType: 'text/csv', Body: new TextEncoder().encode('1,2') })));
    expect(name.error).toMatchObject({
      name: 'ValidationError',
      message: "1 validation error detected: Value 'churn_dev' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*",
    });
    const body = await refused(runtime.send(new InvokeEndpointCommand({ EndpointName: 'churn-dev', ContentType: 'text/csv', Body: new Uint8Array(6291457) })));
    expect(body.error.message).toBe("1 validation error detected: Value at 'body' failed to satisfy constraint: Member must have length less than or equal to 6291456");
  });
});

describe('REST XML protocol (S3, path-style)', () => {
  test('a copy source without a key is InvalidArgument naming the header and its value', async () => {
    const s3 = client(S3Client, motoS3ClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: 'contract-assets' }));
    const { error, violation } = await refused(s3.send(new CopyObjectCommand({ Bucket: 'contract-assets', Key: 'copy', CopySource: 'contract-assets' })));
    expect(error).toMatchObject({
      name: 'InvalidArgument',
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: 'contract-assets',
      message: "1 validation error detected: Value 'contract-assets' at 'copySource' failed to satisfy constraint: Member must satisfy regular expression pattern: \\/?.+\\/.+",
    });
    expect(violation.call).toBe('S3.CopyObject');
  });

  test('a header outside its enum is refused and the object is not stored', async () => {
    const s3 = client(S3Client, motoS3ClientConfig(moto.endpoint));
    await s3.send(new CreateBucketCommand({ Bucket: 'contract-frozen' }));
    const { error } = await refused(s3.send(new PutObjectCommand({ Bucket: 'contract-frozen', Key: 'a.txt', Body: 'x', StorageClass: 'FROZEN' as never })));
    expect(error).toMatchObject({ name: 'InvalidArgument', ArgumentName: 'x-amz-storage-class', ArgumentValue: 'FROZEN' });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'contract-frozen', Key: 'a.txt' }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(takeContractViolations()).toEqual([]);
  });
});

describe('the report and the listener', () => {
  test('the report counts every request checked, per operation, and /moto-api/reset leaves it', async () => {
    const before = await fetchContractReport(moto.endpoint);
    await sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' })).catch(() => undefined);
    await resetMoto(moto.endpoint);
    const after = await fetchContractReport(moto.endpoint);
    expect(after.requestsChecked).toBe(before.requestsChecked + 1);
    expect(after.operations['SageMaker.DescribeEndpoint']).toBe((before.operations['SageMaker.DescribeEndpoint'] ?? 0) + 1);
    expect(after.violations).toBe(madeOnPurpose);
    expect(after.violationSamples.map((s) => s.operation)).toContain('SageMaker.CreateEndpoint');
    expect(after).toMatchObject({ unidentified: {}, checkerErrors: [] });
  });

  test('a refused call is noted even when the code that made it catches the error, and fails the test naming it', async () => {
    const swallowed = await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn_dev', EndpointConfigName: 'c' })).catch(() => 'caught');
    expect(swallowed).toBe('caught');
    const noted = takeContractViolations();
    madeOnPurpose += noted.length;
    expect(noted).toHaveLength(1);
    const failure = contractViolationFailure(noted);
    expect(failure?.message).toMatch(/^AWS would refuse a request this test made \(checked against botocore's model of the service by the moto launcher\):\n/);
    expect(failure?.message).toContain("- SageMaker.CreateEndpoint: SageMaker.CreateEndpoint: Value 'churn_dev' at 'endpointName' failed to satisfy constraint");
    expect(failure?.message).toMatch(/called from .*test\/harness\/request-contract\.test\.ts/);
    expect(contractViolationFailure([])).toBeUndefined();
  });

  test('the printed line counts requests and operations; violations beyond those expected fail the run', () => {
    const report: ContractReport = {
      requestsChecked: 12,
      operations: { 'SageMaker.CreateModel': 10, 'S3.PutObject': 2 },
      violations: 3,
      violationSamples: [{ operation: 'S3.PutObject', message: "S3.PutObject: Value 'FROZEN' at 'storageClass' ..." }],
      unidentified: {},
      uncheckedPatterns: {},
      checkerErrors: [],
    };
    expect(contractLine(report)).toBe("requests checked against botocore's models: 12 (2 operations), contract violations: 3");
    expect(contractLine(report, 3)).toBe("requests checked against botocore's models: 12 (2 operations), contract violations: 0 (and 3 made on purpose by the checker's own tests)");
    expect(contractProblems({ label: 'x', report, expectedViolations: 3 })).toBeUndefined();
    expect(contractProblems({ label: 'x', report, expectedViolations: 0 })).toMatch(/^moto launcher \(x\): 3 requests broke botocore's model .*\n {2}- S3\.PutObject: Value 'FROZEN'/s);
    expect(contractProblems({ label: 'x', report: { ...report, checkerErrors: ['Traceback ...'] }, expectedViolations: 3 }))
      .toMatch(/the request checker failed 1 times/);
  });
});
