/** Parsing the text of a request body or config file, within a size limit. */
import { DEFAULT_DOCUMENT_MAX_BYTES } from './limits';
import { describe, Validated } from './problems';
import { utf8Length } from './s3-key-fields';

/** Options of {@link parseJsonDocument}. */
export interface ParseOptions {
  /** The largest document accepted, in UTF-8 bytes. Default 256 KB. */
  readonly maxBytes?: number;
}

/** Where in `text` an offset is, as "line L, column C" (both from 1). */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Parses `text` as JSON. Problems are at path `''` (the document): too large,
 * or not JSON, with the line and column where parsing stopped.
 */
export function parseJsonDocument(text: string, options: ParseOptions = {}): Validated<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_DOCUMENT_MAX_BYTES;
  if (typeof text !== 'string') {
    return { ok: false, problems: [{ path: '', message: `must be JSON text, got ${describe(text)}` }] };
  }
  // Length in UTF-16 units is at most the UTF-8 size: a huge text is refused before it is measured.
  const bytes = text.length > maxBytes ? text.length : utf8Length(text);
  if (bytes > maxBytes) {
    return { ok: false, problems: [{ path: '', message: `is ${bytes} bytes or more, over the limit of ${maxBytes} bytes` }] };
  }
  // Editors on Windows may save a byte order mark, which JSON.parse refuses.
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  if (body.trim() === '') {
    return { ok: false, problems: [{ path: '', message: 'is empty: expected a JSON document' }] };
  }
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    // The parser quotes the text around the error: its line breaks and control characters are escaped,
    // so a document cannot add lines that read as further problems to a report or the CLI's output.
    const reason = (e instanceof Error ? e.message : String(e)).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const position = /position (\d+)/.exec(reason);
    const offset = position ? Number(position[1]) : body.length;
    return { ok: false, problems: [{ path: '', message: `is not valid JSON at ${lineAndColumn(body, offset)}: ${reason}` }] };
  }
}
