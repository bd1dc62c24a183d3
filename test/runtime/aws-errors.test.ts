import { isTransient } from '../../src/runtime/aws-errors';
import { awsError } from '../fixtures/aws-error';

const named = (name: string, fields: object = {}) => Object.assign(new Error(name), { name }, fields);

describe('isTransient: what a later attempt will likely pass', () => {
  test.each([
    ['throttling by name', awsError('ThrottlingException', 'Rate exceeded')],
    ['S3 slowing down', awsError('SlowDown', 'Please reduce your request rate')],
    ['EC2-style request limits', awsError('RequestLimitExceeded', 'limit')],
    ['any 429', awsError('SomethingNew', 'too many', 429)],
    ['API Gateway\'s throttling (LimitExceededException with 429)', awsError('LimitExceededException', 'Rate exceeded', 429)],
    ['a 500', awsError('InternalFailure', 'oops', 500)],
    ['a 503', awsError('ServiceUnavailableException', 'try later', 503)],
    ['another 5xx', awsError('InternalServerError', 'oops', 507)],
    ['the SDK\'s time-out', named('TimeoutError')],
    ['a request time-out', awsError('RequestTimeout', 'slow')],
    ['a reset connection', named('Error', { code: 'ECONNRESET' })],
    ['a refused connection', named('Error', { code: 'ECONNREFUSED' })],
    ['an unresolved host', named('Error', { code: 'EAI_AGAIN' })],
    ['an error the service models as retryable', named('Custom', { $retryable: {} })],
    ['an error caused by a time-out', named('Wrapper', { cause: named('TimeoutError') })],
  ])('%s', (_what, err) => {
    expect(isTransient(err)).toBe(true);
  });
});

describe('isTransient: what will fail again', () => {
  test.each([
    ['a validation error', awsError('ValidationException', 'bad')],
    ['access denied', awsError('AccessDeniedException', 'no', 403)],
    ['a missing resource', awsError('ResourceNotFound', 'gone', 404)],
    ['a quota reached (SageMaker)', awsError('ResourceLimitExceeded', 'too many endpoints')],
    ['a quota reached (CloudFormation\'s LimitExceededException, 400)', awsError('LimitExceededException', 'Stack limit reached')],
    ['an aborted request', named('AbortError')],
    ['a Lambda time-out', named('LambdaTimeout')],
    ['a plain Error', new Error('boom')],
    ['a string', 'ThrottlingException'],
    ['undefined', undefined],
    ['null', null],
  ])('%s', (_what, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
