/**
 * What one look at a test suite concluded, before the test handler decides
 * what CodePipeline hears: pass the release, check again later, or roll the
 * environment back.
 */
export type TestVerdict =
  | { readonly kind: 'passed'; readonly message: string }
  /** Still running (a build): `state` goes in the continuation token. */
  | { readonly kind: 'running'; readonly message: string; readonly state: object }
  /** `failures` says what failed, for the job's failure message. */
  | { readonly kind: 'failed'; readonly failures: string };
