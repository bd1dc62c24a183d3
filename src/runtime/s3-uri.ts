/** An S3 location split into what the S3 API takes. */
export interface S3Location {
  readonly bucket: string;
  /** Empty for the bucket's root. */
  readonly key: string;
}

/** Splits `s3://bucket/key`; anything else is a configuration error worth naming. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) {
    throw new Error(`${JSON.stringify(uri)} is not an s3://bucket/key URI`);
  }
  return { bucket: match[1], key: match[2] };
}

/** A folder under a prefix, ending in `/`, whether or not the prefix ended in one. */
export function folderUnder(prefixUri: string, name: string): string {
  return `${prefixUri.endsWith('/') ? prefixUri : `${prefixUri}/`}${name}/`;
}
