import { parseEcrImageUri } from '../../src/config/image-uri';

describe('parseEcrImageUri', () => {
  test.each([
    ['111111111111.dkr.ecr.us-east-1.amazonaws.com/churn:3', { account: '111111111111', region: 'us-east-1', repository: 'churn' }],
    ['222222222222.dkr.ecr.eu-west-1.amazonaws.com/team/models/custom@sha256:' + 'a'.repeat(64), { account: '222222222222', region: 'eu-west-1', repository: 'team/models/custom' }],
    ['333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/fraud', { account: '333333333333', region: 'cn-north-1', repository: 'fraud' }],
  ])('reads the account, region and repository of %s', (uri, parts) => {
    expect(parseEcrImageUri(uri)).toEqual(parts);
  });

  test.each(['docker.io/library/nginx:1', '11111111111.dkr.ecr.us-east-1.amazonaws.com/a', '111111111111.dkr.ecr.us-east-1.amazonaws.com/'])('refuses %s, which is no ECR image URI', (uri) => {
    expect(parseEcrImageUri(uri)).toBeUndefined();
  });
});
