/** A small valid request and helpers to check where a changed copy of it goes wrong. */
import { Problem, Validated } from '../../src/config/pipeline-request';
import { validatePipelineRequest } from '../../src/config/validate';

/** A valid request using a little of everything. */
export function validRequest(): Record<string, any> {
  return {
    name: 'churn',
    artifact: 'churn/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: [
      {
        name: 'dev',
        instanceType: 'ml.m5.large',
        tests: [{ name: 'likely churner', body: '{"tenure": 1}', expect: { status: 200, jsonPath: [{ path: '$.score', min: 0.5, max: 1 }] } }],
      },
      { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
      {
        name: 'prod',
        approval: true,
        instanceCount: 2,
        autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500 },
        dataCapture: { samplingPercentage: 20 },
      },
    ],
    notifications: { emails: ['ml-team@example.com'] },
    keepReleases: 3,
  };
}

/** The problems of a rejected result (fails the test when it was accepted). */
export function problemsOf<T>(result: Validated<T>): Problem[] {
  if (result.ok) {
    throw new Error(`expected problems, but the value was accepted: ${JSON.stringify(result.value).slice(0, 300)}`);
  }
  return result.problems;
}

/** The one problem at `path` (fails the test when there is none or more than one). */
export function problemAt<T>(result: Validated<T>, path: string): Problem {
  const problems = problemsOf(result);
  const matching = problems.filter((p) => p.path === path);
  if (matching.length !== 1) {
    throw new Error(`expected one problem at ${JSON.stringify(path)}, got ${JSON.stringify(problems)}`);
  }
  return matching[0];
}

/** The message of the one problem at `path` after `change` is applied to a valid request. */
export function messageAt(change: (r: Record<string, any>) => void, path: string): string {
  const request = validRequest();
  change(request);
  return problemAt(validatePipelineRequest(request), path).message;
}
