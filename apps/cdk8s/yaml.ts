/**
 * YAML for Kubernetes manifests, written directly from plain JSON data: block mappings and
 * sequences indented by two, strings plain only where no YAML 1.1 or 1.2 reader can take them for
 * anything else, double-quoted (JSON escapes, valid YAML) otherwise, and multi-line strings as
 * literal blocks. It replaces a general YAML dumper on the hot path of large outputs (1,000 tenants
 * are 20,000 objects), where deciding each scalar's style dominated; `test/apps/cdk8s/yaml.test.ts`
 * reads every output back with a YAML 1.2 and a YAML 1.1 parser.
 */

/** Words YAML 1.1 (what kubectl's parser speaks) reads as booleans or null. */
const AMBIGUOUS = new Set(
  ['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null'].flatMap((w) => [
    w,
    w.toUpperCase(),
    w[0].toUpperCase() + w.slice(1),
  ]),
);

/**
 * Plain when it starts with a letter, `_` or `/`, continues with letters, digits and `_./@:-`,
 * and does not end with `:`: no indicator, comment, flow character, space or number form.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@:-]*$/;

/**
 * Plain though it starts with a digit (`01-crds.k8s.yaml`, `500m`, `1.0Gi`): letters, digits and
 * `._-` with a letter no number form uses (not `e`, and no `0x`/`0o`/`0b` prefix) and no `:`,
 * so neither an integer, a float nor a timestamp.
 */
const PLAIN_DIGIT = /^[0-9][0-9A-Za-z._-]*$/;
const NON_NUMERIC_LETTER = /[A-DF-Za-df-z]/;

function scalar(value: string): string {
  if (PLAIN.test(value) && !value.endsWith(':') && !AMBIGUOUS.has(value)) return value;
  if (PLAIN_DIGIT.test(value) && NON_NUMERIC_LETTER.test(value) && !/^0[xXoObB]/.test(value)) {
    return value;
  }
  return JSON.stringify(value);
}

/** A literal block (`|`, `|-`, `|+`) when the text survives one unchanged, else `undefined`. */
function literal(value: string, indent: string): string | undefined {
  if (
    !value.includes('\n') ||
    /[\r\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(value)
  ) {
    return undefined;
  }
  const body = value.replace(/\n+$/, '');
  const trailing = value.length - body.length;
  const lines = body.split('\n');
  // A first line that starts with a space would need an indentation indicator; a line ending in
  // spaces or tabs, or one of only whitespace, would not read back the same.
  if (lines[0] === '' || /^[ \t]/.test(lines[0])) return undefined;
  if (lines.some((l) => /[ \t]$/.test(l))) return undefined;
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  const extra = trailing > 1 ? '\n'.repeat(trailing - 1) : '';
  return `|${chomp}\n${lines.map((l) => (l === '' ? '' : `${indent}${l}`)).join('\n')}\n${extra}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leaf(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null\n';
  if (typeof value === 'boolean') return `${value}\n`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`Cannot write ${value} as YAML.`);
    return `${JSON.stringify(value)}\n`;
  }
  if (typeof value === 'string') return literal(value, indent) ?? `${scalar(value)}\n`;
  throw new Error(`Cannot write a ${typeof value} as YAML.`);
}

function mapping(obj: Record<string, unknown>, indent: string, out: string[]): void {
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    out.push(`${indent}${scalar(key)}:`);
    node(value, indent, out);
  }
}

function sequence(items: readonly unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    if (isObject(item) && Object.keys(item).length > 0) {
      // `- key: value` with the following keys aligned under the first.
      const inner: string[] = [];
      mapping(item, `${indent}  `, inner);
      inner[0] = `${indent}- ${inner[0].slice(indent.length + 2)}`;
      out.push(...inner);
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(`${indent}-\n`);
      sequence(item, `${indent}  `, out);
    } else {
      out.push(`${indent}- ${inline(item, `${indent}  `)}`);
    }
  }
}

/** The rest of a line after `key:` or `- `: a scalar, `{}`/`[]`, or a nested block. */
function inline(value: unknown, indent: string): string {
  if (isObject(value)) return Object.keys(value).length === 0 ? '{}\n' : '';
  if (Array.isArray(value)) return value.length === 0 ? '[]\n' : '';
  return leaf(value, indent);
}

function node(value: unknown, indent: string, out: string[]): void {
  const last = out.length - 1;
  if (isObject(value) && Object.keys(value).length > 0) {
    out[last] += '\n';
    mapping(value, `${indent}  `, out);
  } else if (Array.isArray(value) && value.length > 0) {
    out[last] += '\n';
    sequence(value, `${indent}  `, out);
  } else {
    out[last] += ` ${inline(value, `${indent}  `)}`;
  }
}

/** One YAML document for a JSON object (a manifest). */
export function yamlDocument(value: Record<string, unknown>): string {
  const out: string[] = [];
  mapping(value, '', out);
  return out.join('');
}
