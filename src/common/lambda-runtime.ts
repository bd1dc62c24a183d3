import * as lambda from 'aws-cdk-lib/aws-lambda';

const NODE_RUNTIME_NAME = /^nodejs(\d+)\.x$/;

/**
 * The newest Node.js runtime the app's aws-cdk-lib offers: the one its
 * `Runtime` class names with a version (`NODEJS_24_X`, ...), which
 * aws-cdk-lib adds once Lambda offers it. Every function the library makes
 * runs on it, so an app on a newer aws-cdk-lib moves its functions to the
 * newer Node.js with no release of this library, and cdk-nag's
 * AwsSolutions-L1 (which expects the newest runtime aws-cdk-lib knows) is
 * met on every version. `NODEJS_LATEST` is not that: it names the runtime
 * CDK's own functions default to, which lags behind.
 *
 * The handlers are bundled for the oldest runtime this can return: nodejs22.x,
 * the newest of the lowest aws-cdk-lib the library supports (see
 * HANDLER_NODE_TARGET in .projenrc.ts).
 */
export function newestNodeRuntime(): lambda.Runtime {
  let newest: lambda.Runtime | undefined;
  let newestVersion = 0;
  for (const name of Object.getOwnPropertyNames(lambda.Runtime)) {
    const runtime: unknown = (lambda.Runtime as unknown as Record<string, unknown>)[name];
    if (!(runtime instanceof lambda.Runtime) || runtime.family !== lambda.RuntimeFamily.NODEJS || runtime.isVariable) {
      continue;
    }
    const match = NODE_RUNTIME_NAME.exec(runtime.name);
    if (match && Number(match[1]) > newestVersion) {
      newest = runtime;
      newestVersion = Number(match[1]);
    }
  }
  if (!newest) {
    throw new Error('aws-cdk-lib offers no Node.js Lambda runtime with a version: this library needs nodejs22.x or later');
  }
  return newest;
}
