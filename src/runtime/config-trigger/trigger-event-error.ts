/**
 * An event the trigger cannot act on (not from S3 or CodePipeline, or
 * missing the fields that say what to read). It names no config file, so
 * there is nobody to report to; it is thrown, to be seen in the function's
 * errors and its asynchronous invocations' failure destination.
 */
export class TriggerEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TriggerEventError';
  }
}
