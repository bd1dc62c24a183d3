import { failOnContractViolations } from './contract-violations';
import { installSdkCallHook } from './sdk-calls';

/**
 * jest setupFilesAfterEnv: runs in every test file's module registry before
 * its tests. Every AWS SDK call goes through one hook (sdk-calls.ts), which
 * the checks against AWS's own contracts listen to.
 */
installSdkCallHook();
failOnContractViolations();
