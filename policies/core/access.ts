/**
 * Defensive readers for untyped manifest JSON. Rules run on third-party YAML, so any field may be
 * missing or of the wrong type; these helpers make "absent" the answer instead of an exception.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is an object, else undefined. */
export function asRecord(value: unknown): JsonRecord | undefined {
  return isRecord(value) ? value : undefined;
}

/** The value if it is an array, else an empty array. */
export function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Walks `keys` down nested objects; undefined as soon as a step is not an object. */
export function dig(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    if (!isRecord(current)) {
      return undefined;
    }
    current = current[key];
  }
  return current;
}

/** The value if it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends a key to a field path: `a.b` for identifiers, `a['x.y/z']` otherwise. */
export function field(path: string, key: string): string {
  if (IDENTIFIER.test(key)) {
    return path === '' ? key : `${path}.${key}`;
  }
  return `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** Appends several keys to a field path. */
export function fields(path: string, ...keys: string[]): string {
  return keys.reduce(field, path);
}

/** Appends an array index to a field path. */
export function item(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Renders a found value for a message: `unset`, `true`, `"text"`, `["a","b"]`. */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'unset';
  }
  const text = JSON.stringify(value);
  // Long values (a whole ConfigMap file, say) would drown the message.
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
