import { MODEL_MONITOR_IMAGE } from '../../../src/catalog/framework-images.generated';
import {
  MODEL_MONITOR_ACCOUNTS,
  modelMonitorImageUri,
  modelMonitorRegions,
} from '../../../src/catalog/model-monitor-catalog';

describe('modelMonitorImageUri', () => {
  test('builds the analyzer URI from the region registry account, untagged as the SDK does', () => {
    expect(modelMonitorImageUri('us-east-1')).toBe('156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer');
    // The developer guide's own example.
    expect(modelMonitorImageUri('us-west-2')).toBe('159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer');
  });

  test('uses the China partition ECR domain in China', () => {
    expect(modelMonitorImageUri('cn-north-1')).toBe('453000072557.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-model-monitor-analyzer');
  });

  test('an unknown region is an error that lists the known regions', () => {
    expect(() => modelMonitorImageUri('xx-nowhere-1')).toThrow(/not known in region "xx-nowhere-1"; known regions: af-south-1, .*us-west-2/);
  });

  test('a name inherited from Object is not a region', () => {
    expect(() => modelMonitorImageUri('constructor')).toThrow(/not known in region "constructor"/);
  });

  test('every account is a 12-digit AWS account id and every region is well formed', () => {
    for (const [region, account] of Object.entries(MODEL_MONITOR_ACCOUNTS)) {
      expect(region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      expect(account).toMatch(/^\d{12}$/);
    }
  });

  test('covers the regions the SDK table lists, sorted', () => {
    const regions = modelMonitorRegions();
    expect(regions).toEqual([...regions].sort());
    expect(regions).toEqual(expect.arrayContaining(['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2', 'il-central-1']));
    expect(regions).toHaveLength(28);
  });

  test('every region of the SDK\'s table but the ISO partitions\', with its account', () => {
    const left = Object.keys(MODEL_MONITOR_IMAGE.accounts).filter((region) => MODEL_MONITOR_ACCOUNTS[region] === undefined);
    expect(left.sort()).toEqual(['us-isof-east-1', 'us-isof-south-1']);
    for (const [region, account] of Object.entries(MODEL_MONITOR_ACCOUNTS)) {
      expect(MODEL_MONITOR_IMAGE.accounts[region]).toBe(account);
    }
  });
});
