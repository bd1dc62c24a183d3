import { DataLocation } from './data-location';

/** `s3://bucket/prefix` of a location. */
export function dataLocationUri(location: DataLocation): string {
  return `s3://${location.bucket.bucketName}/${location.prefix ?? ''}`;
}
