import { onSdkCall, SdkCall } from './sdk-calls';

/**
 * The header the moto launcher puts on its answer to a request that breaks
 * botocore's model of the service (test/harness/request_contract.py): the
 * operation and what it broke, URL-encoded. No other answer carries it, so a
 * test can tell "AWS would refuse this request" from any other error.
 */
export const CONTRACT_VIOLATION_HEADER = 'x-mlops-contract-violation';

/** An SDK call the launcher refused because AWS would have. */
export interface ContractViolation {
  /** As the SDK names it, e.g. `SageMaker.CreateEndpoint`. */
  readonly call: string;
  /** What the request broke, in AWS's words, as the launcher summarized it. */
  readonly violations: string;
  /** Where the call was made (the first frames of the project's own code). */
  readonly calledFrom: string;
}

const CALLER_FRAMES = 3;
const noted: ContractViolation[] = [];
let watching = false;

/** The call's contract violation, if the launcher refused it for one. */
export function contractViolationOf(call: SdkCall): ContractViolation | undefined {
  const response = (call.error as { $response?: { headers?: Record<string, string | undefined> } } | undefined)?.$response;
  const flag = response?.headers?.[CONTRACT_VIOLATION_HEADER];
  if (flag === undefined) {
    return undefined;
  }
  return { call: `${call.service}.${call.operation}`, violations: decode(flag), calledFrom: callerFrames(call.stack) };
}

/**
 * Notes every refused call in this test file from now on, whether or not the
 * code that made it caught the error; idempotent.
 */
export function watchContractViolations(): void {
  if (watching) {
    return;
  }
  watching = true;
  onSdkCall((call) => {
    const violation = contractViolationOf(call);
    if (violation) {
      noted.push(violation);
    }
  });
}

/**
 * The violations noted since the last take, which are then no longer
 * reported: for tests that break a contract on purpose and assert the answer.
 */
export function takeContractViolations(): ContractViolation[] {
  return noted.splice(0);
}

/** The failure for a test that made these calls, or undefined for none. */
export function contractViolationFailure(violations: readonly ContractViolation[]): Error | undefined {
  if (violations.length === 0) {
    return undefined;
  }
  const lines = violations.map((v) => `- ${v.call}: ${v.violations}\n    called from ${v.calledFrom}`);
  return new Error(
    `AWS would refuse ${violations.length === 1 ? 'a request' : `${violations.length} requests`} this test made ` +
    "(checked against botocore's model of the service by the moto launcher):\n" + lines.join('\n'),
  );
}

/**
 * jest: fails each test (and the file, for calls in beforeAll/afterAll) that
 * made a call the launcher refused for breaking the service's contract.
 */
export function failOnContractViolations(): void {
  watchContractViolations();
  const check = () => {
    const failure = contractViolationFailure(takeContractViolations());
    if (failure) {
      throw failure;
    }
  };
  afterEach(check);
  afterAll(check);
}

function decode(flag: string): string {
  try {
    return decodeURIComponent(flag);
  } catch {
    return flag;
  }
}

function callerFrames(stack: string): string {
  const frames = stack.split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at ') && !line.includes('node_modules') && !line.includes('test/harness/sdk-calls'));
  return frames.slice(0, CALLER_FRAMES).join(' < ') || '(unknown)';
}
