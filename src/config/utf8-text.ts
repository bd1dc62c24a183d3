/**
 * The bytes of a request body or config file as UTF-8 text, or undefined
 * when they are not valid UTF-8: decoded strictly, so no bad byte slips in
 * as a replacement character. A byte order mark is kept, for the JSON
 * parser to take off: it takes one, and a second is then an error.
 */
export function utf8Text(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
