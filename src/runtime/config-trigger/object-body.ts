import { GetObjectCommand, GetObjectCommandInput, S3Client } from '@aws-sdk/client-s3';

/** An object read whole, or found larger than the caller accepts. */
export type ObjectBytes =
  | { readonly kind: 'read'; readonly bytes: Buffer }
  | { readonly kind: 'too-large'; readonly size: number };

/**
 * Reads an object, at most `maxBytes` of it. The declared length is checked
 * first so an oversized object is refused without downloading it; the
 * stream is counted too, in case the length is absent or wrong.
 */
export async function readObjectCapped(s3: S3Client, input: GetObjectCommandInput, maxBytes: number): Promise<ObjectBytes> {
  const response = await s3.send(new GetObjectCommand(input));
  const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
  const declared = response.ContentLength;
  if (declared !== undefined && declared > maxBytes) {
    body?.destroy?.();
    return { kind: 'too-large', size: declared };
  }
  if (!body) {
    return { kind: 'read', bytes: Buffer.alloc(0) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy?.();
      return { kind: 'too-large', size };
    }
    chunks.push(Buffer.from(chunk));
  }
  return { kind: 'read', bytes: Buffer.concat(chunks) };
}
