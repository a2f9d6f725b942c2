import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isRecord } from '../core/access';
import { flattenLists } from '../core/lists';
import { KubeObject, SourceLocation } from '../core/types';

/** A file that cannot be read or parsed; the CLI turns it into exit code 2. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export interface LoadedObject {
  readonly object: KubeObject;
  readonly source: SourceLocation;
}

export interface LoadResult {
  readonly objects: LoadedObject[];
  readonly files: string[];
  /** YAML documents that are not Kubernetes objects (a chart's values.yaml, say). */
  readonly skipped: number;
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
    !value.apiVersion.startsWith('kustomize.config.k8s.io/')
  );
}

/** Parses one file's text: multi-document YAML or JSON. */
export function parseManifests(
  text: string,
  file: string,
): { objects: LoadedObject[]; skipped: number } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter });
  const objects: LoadedObject[] = [];
  let skipped = 0;
  for (const doc of Array.isArray(documents) ? documents : []) {
    const [error] = doc.errors;
    if (error !== undefined) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      // The yaml library repeats the position in its message; we already lead with it.
      const message = (error.message.split('\n')[0] ?? '').replace(
        / at line \d+, column \d+:?$/,
        '',
      );
      throw new ManifestError(`${file}:${line}:${col}: ${message}`);
    }
    const start = doc.contents?.range[0] ?? doc.range[0];
    const source: SourceLocation = { file, line: lineCounter.linePos(start).line };
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) {
      continue;
    }
    for (const item of flattenLists(value)) {
      if (isKubeObject(item)) {
        objects.push({ object: item, source });
      } else {
        skipped++;
      }
    }
  }
  return { objects, skipped };
}

/** The name findings use for manifests read from standard input. */
export const STDIN = '<stdin>';

/**
 * Reads and parses every manifest under some paths (`-` reads `readStdin()`). Throws
 * ManifestError on the first problem.
 */
export function loadManifests(
  paths: readonly string[],
  readStdin: () => string = () => fs.readFileSync(0, 'utf8'),
): LoadResult {
  const files = paths.flatMap((p) => (p === '-' ? [STDIN] : collectFiles([p])));
  const objects: LoadedObject[] = [];
  let skipped = 0;
  for (const file of files) {
    let text: string;
    try {
      text = file === STDIN ? readStdin() : fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ManifestError(`cannot read ${file}: ${(error as Error).message}`);
    }
    const parsed = parseManifests(text, file);
    objects.push(...parsed.objects);
    skipped += parsed.skipped;
  }
  return { objects, files, skipped };
}
