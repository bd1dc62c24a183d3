import * as api from '../src';

/**
 * jsii drops free functions and constants from the other languages' packages,
 * so a TypeScript-only export is a leak of something internal: the package's
 * values are classes and enums only.
 */
test('the package exports classes and enums, no free function or constant', () => {
  const isClass = (value: unknown) => typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
  const isEnum = (value: unknown) => typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number');
  const others = Object.entries(api).filter(([, value]) => !isClass(value) && !isEnum(value)).map(([name]) => name);
  expect(others).toEqual([]);
  expect(Object.keys(api)).toEqual(expect.arrayContaining(['ByomPipeline', 'PipelineEnvironment', 'MlopsErrors', 'BatchSplitType']));
  expect(Object.keys(api)).not.toEqual(expect.arrayContaining(['inferenceApiName']));
});
