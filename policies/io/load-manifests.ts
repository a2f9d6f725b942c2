import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, parseAllDocuments } from 'yaml';
import { isRecord } from '../core/access';
import { flattenLists } from '../core/lists';
import { KubeObject, SourceLocation } from '../core/types';

/**
 * Input that cannot be read or parsed; the CLI turns it into exit code 2. `problems` holds one
 * line per file (the message joins them), each naming its file.
 */
export class ManifestError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.name = 'ManifestError';
    this.problems = list;
  }
}

export interface LoadedObject {
  readonly object: KubeObject;
  readonly source: SourceLocation;
}

/** A file that is not text (binary, not UTF-8): skipped, never parsed. */
export interface NotTextFile {
  readonly file: string;
  /** Why, for a message: `NUL byte at offset 0`. */
  readonly reason: string;
}

/** One path given to the loader (a file, a directory or `-`), and what it yielded. */
export interface InputSummary {
  readonly path: string;
  /** Kubernetes objects read from it (from all its files, for a directory). */
  readonly objects: number;
  /** YAML documents in it that are not Kubernetes objects. */
  readonly skipped: number;
  /** Documents in it that configure a tool (`kustomization.yaml`). */
  readonly configuration: number;
  /** Its files that are not text. */
  readonly notText: number;
}

export interface LoadResult {
  readonly objects: LoadedObject[];
  readonly files: string[];
  /**
   * YAML documents that are not Kubernetes objects (a chart's values.yaml, say); a tool's
   * configuration (`kustomization.yaml`) is not counted.
   */
  readonly skipped: number;
  /** Files skipped because they are not text; the CLI fails on them in production mode. */
  readonly notText: readonly NotTextFile[];
  /** Per path given, in order: what it yielded. A path with no object checks nothing. */
  readonly inputs: readonly InputSummary[];
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function isManifestFile(file: string): boolean {
  return MANIFEST_EXTENSIONS.has(path.extname(file).toLowerCase());
}

function walk(dir: string, files: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new ManifestError(`cannot read directory ${dir}: ${(error as Error).message}`);
  }
  // Sorted so that reports are byte-identical between runs and machines.
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // VCS metadata and installed packages are never manifests and can be huge.
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') {
        walk(full, files);
      }
    } else if (isManifestFile(entry.name)) {
      files.push(full);
    }
  }
}

/**
 * The manifest files named by some paths: files as given (whatever their extension), directories
 * searched recursively for *.yaml, *.yml and *.json.
 */
export function collectFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      throw new ManifestError(`cannot read ${p}: no such file or directory`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(p, found);
      if (found.length === 0) {
        throw new ManifestError(`no *.yaml, *.yml or *.json files under ${p}`);
      }
      files.push(...found);
    } else {
      files.push(p);
    }
  }
  return files;
}

/**
 * A document the cluster would receive: it has apiVersion and kind, and is not a tool's own
 * configuration that happens to look alike (a `kustomization.yaml` next to the manifests).
 */
export function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    !isToolConfiguration(value)
  );
}

/** A tool's configuration that looks like an object: `kustomization.yaml` beside the manifests. */
export function isToolConfiguration(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.apiVersion === 'string' &&
    value.apiVersion.startsWith('kustomize.config.k8s.io/')
  );
}

/**
 * How far a document's aliases may expand: `maxAliasCount` of the yaml library. An alias bomb
 * ("billion laughs": anchors of lists of aliases of anchors) passes it within a few levels;
 * hand-written manifests that share a block with anchors stay far below.
 */
export const MAX_ALIAS_COUNT = 1000;

/** Converts one parsed document to plain data; a message naming the file when it cannot. */
function toData(doc: Document.Parsed, file: string, line: number): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/excessive alias count/i.test(message)) {
      throw new ManifestError(
        `${file}:${line}: YAML aliases expand beyond the limit of ${MAX_ALIAS_COUNT} nodes; ` +
          'an alias bomb ("billion laughs") was refused. Write the objects out without nested aliases.',
      );
    }
    throw new ManifestError(`${file}:${line}: cannot read this YAML document: ${message}`);
  }
}

/** The documents of one file; the parser reports problems in `doc.errors`, this catches the rest. */
function parseDocuments(text: string, file: string, lineCounter: LineCounter) {
  try {
    // `merge`: kubectl reads YAML 1.1 merge keys (`<<: *defaults`); without them the gate would
    // not see what a merged block sets (`privileged: true`) while the cluster would.
    return parseAllDocuments(text, { lineCounter, merge: true });
  } catch (error) {
    throw new ManifestError(`${file}: cannot parse: ${(error as Error).message}`);
  }
}

/** Parses one file's text: multi-document YAML or JSON. */
export function parseManifests(
  text: string,
  file: string,
): { objects: LoadedObject[]; skipped: number; configuration: number } {
  const lineCounter = new LineCounter();
  const documents = parseDocuments(text, file, lineCounter);
  const objects: LoadedObject[] = [];
  let skipped = 0;
  let configuration = 0;
  for (const doc of Array.isArray(documents) ? documents : []) {
    const [error] = doc.errors;
    if (error !== undefined) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      // The yaml library repeats the position in its message; we already lead with it.
      const message = (error.message.split('\n')[0] ?? '').replace(
        / at line \d+, column \d+:?$/,
        '',
      );
      const detail =
        error.code === 'RESOURCE_EXHAUSTION'
          ? `nested too deeply to read (${message}); flatten the document`
          : message;
      throw new ManifestError(`${file}:${line}:${col}: ${detail}`);
    }
    const start = doc.contents?.range[0] ?? doc.range[0];
    const source: SourceLocation = { file, line: lineCounter.linePos(start).line };
    const value = toData(doc, file, source.line ?? 1);
    if (value === null || value === undefined) {
      continue;
    }
    for (const item of flattenLists(value)) {
      if (isKubeObject(item)) {
        objects.push({ object: item, source });
      } else if (isToolConfiguration(item)) {
        // Expected beside the manifests; not worth a note.
        configuration++;
      } else {
        skipped++;
      }
    }
  }
  return { objects, skipped, configuration };
}

/** The name findings use for manifests read from standard input. */
export const STDIN = '<stdin>';

const hex = (byte: number): string => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** Offset of the first byte that does not belong to well-formed UTF-8, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte: length of the sequence and the allowed range of the second byte (which rules
    // out overlong forms, surrogates and code points above U+10FFFF).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else {
      return i;
    }
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) {
        return i;
      }
    }
    i += length;
  }
  return -1;
}

/**
 * Control characters YAML does not allow in a stream (everything below U+0020 but tab, line
 * feed and carriage return, and DEL); kubectl's parser rejects them too.
 */
function controlCharacterAt(text: string): number {
  const match = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  return match === null ? -1 : match.index;
}

/**
 * The text of a manifest file, or why it is not one: binary (a NUL byte), UTF-16/32 (their
 * byte order marks), bytes that are not UTF-8, or control characters YAML forbids. A leading
 * UTF-8 byte order mark is dropped.
 */
export function decodeManifest(
  content: string | Uint8Array,
): { text: string } | { reason: string } {
  if (typeof content === 'string') {
    const at = controlCharacterAt(content);
    if (at < 0) {
      return { text: content.replace(/^\uFEFF/, '') };
    }
    const code = content.charCodeAt(at);
    return code === 0
      ? { reason: `binary, not text (NUL character at offset ${at})` }
      : {
          reason: `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} at offset ${at}, which YAML does not allow`,
        };
  }
  const [b0, b1, b2, b3] = content;
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    const utf32 = b0 === 0xff && b2 === 0 && b3 === 0;
    return {
      reason: `${utf32 ? 'UTF-32' : 'UTF-16'} text (byte order mark ${hex(b0)} ${hex(b1)}); save it as UTF-8`,
    };
  }
  const nul = content.indexOf(0);
  if (nul >= 0) {
    return { reason: `binary, not text (NUL byte at offset ${nul})` };
  }
  const invalid = invalidUtf8At(content);
  if (invalid >= 0) {
    return {
      reason: `not UTF-8 (byte ${hex(content[invalid] ?? 0)} at offset ${invalid}); save it as UTF-8`,
    };
  }
  const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
  const at = controlCharacterAt(text);
  if (at >= 0) {
    const code = text.charCodeAt(at);
    return {
      reason: `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${at}, which YAML does not allow`,
    };
  }
  return { text: text.replace(/^\uFEFF/, '') };
}

/**
 * The largest manifest file read: far beyond any real one (a whole platform is a few megabytes),
 * low enough that a runaway input (`/dev/zero`, a disk image) is refused before it exhausts
 * memory or the longest string V8 can hold.
 */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

function tooLarge(file: string): string {
  return `${file} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, more than any manifest file; split it`;
}

/** A file's bytes, or undefined when it has more than MAX_FILE_BYTES (read in chunks, stops there). */
function readBounded(file: string): Uint8Array | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, MAX_FILE_BYTES + 1 - total));
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) {
        return Buffer.concat(chunks, total);
      }
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > MAX_FILE_BYTES) {
        return undefined;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads and parses every manifest under some paths (`-` reads `readStdin()`). Files that are
 * not text are skipped and listed in `notText`. Throws one ManifestError listing every path
 * or file that cannot be read or parsed.
 */
export function loadManifests(
  paths: readonly string[],
  readStdin: () => string | Uint8Array = () => fs.readFileSync(0),
): LoadResult {
  const objects: LoadedObject[] = [];
  const files: string[] = [];
  const notText: NotTextFile[] = [];
  const inputs: InputSummary[] = [];
  const problems: string[] = [];
  let skipped = 0;
  for (const p of paths) {
    let found: string[];
    try {
      found = p === '-' ? [STDIN] : collectFiles([p]);
    } catch (error) {
      problems.push(error instanceof ManifestError ? error.message : String(error));
      continue;
    }
    const summary = {
      path: p === '-' ? STDIN : p,
      objects: 0,
      skipped: 0,
      configuration: 0,
      notText: 0,
    };
    for (const file of found) {
      files.push(file);
      let content: string | Uint8Array | undefined;
      try {
        content = file === STDIN ? readStdin() : readBounded(file);
      } catch (error) {
        problems.push(`cannot read ${file}: ${(error as Error).message}`);
        continue;
      }
      if (content === undefined || content.length > MAX_FILE_BYTES) {
        problems.push(tooLarge(file));
        continue;
      }
      const decoded = decodeManifest(content);
      if ('reason' in decoded) {
        notText.push({ file, reason: decoded.reason });
        summary.notText++;
        continue;
      }
      try {
        const parsed = parseManifests(decoded.text, file);
        objects.push(...parsed.objects);
        summary.objects += parsed.objects.length;
        summary.skipped += parsed.skipped;
        summary.configuration += parsed.configuration;
        skipped += parsed.skipped;
      } catch (error) {
        problems.push(error instanceof ManifestError ? error.message : `${file}: ${String(error)}`);
      }
    }
    inputs.push(summary);
  }
  if (problems.length > 0) {
    throw new ManifestError(problems);
  }
  return { objects, files, skipped, notText, inputs };
}
