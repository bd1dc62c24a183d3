import { failOnContractViolations } from './contract-violations';
import { installSdkCallHook } from './sdk-calls';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';

/**
 * jest setupFilesAfterEnv: runs in every test file's module registry before
 * its tests. Every AWS SDK call goes through one hook (sdk-calls.ts), which
 * the checks against AWS's own contracts listen to: a request botocore's
 * model refuses, and a call of product code IAM would refuse to the role it
 * acts as (or made with no role declared), fail the test that made it.
 */
installSdkCallHook();
failOnContractViolations();
failOnUnauthorizedHandlerCalls();
