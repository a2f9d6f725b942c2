import { k8s } from 'cdk8s-plus-27';

/**
 * A tiny writer for the Go-template YAML that istiod evaluates when it injects a proxy. The
 * template is described as data (plain objects, arrays and scalars, with Go actions where istiod
 * fills in per-pod values) and written as block YAML in which every control action (`if`,
 * `range`, `end`) stands on a line of its own. That keeps the text easy to review and lets tests
 * evaluate it line by line.
 */

/** An action whose output is a whole YAML scalar: a number, or a string piped through `quote`. */
export class GoAction {
  public constructor(public readonly expr: string) {}
}

/** A double-quoted YAML string that mixes literal text and actions. */
export class GoString {
  public constructor(public readonly parts: readonly (string | GoAction)[]) {}
}

/** A literal block scalar (`|-`) of one line, for values whose output contains double quotes. */
export class GoBlock {
  public constructor(public readonly parts: readonly (string | GoAction)[]) {}
}

/**
 * A map entry or list item written only when `condition` holds (optionally another value
 * otherwise). In a list, an array `then` contributes several items.
 */
export class GoIf {
  public constructor(
    public readonly condition: string,
    public readonly then: unknown,
    public readonly otherwise?: unknown,
  ) {}
}

/** A list item repeated for every element that a `range` header iterates over. */
export class GoRange {
  public constructor(
    public readonly header: string,
    public readonly item: unknown,
  ) {}
}

/**
 * A list written under its own key whose `tail` items move to `otherKey` of the same map when
 * `condition` does not hold: upstream's way of making the proxy either the last init container
 * (a native sidecar) or a regular container, written once.
 */
export class GoListSplit {
  public constructor(
    public readonly condition: string,
    public readonly otherKey: string,
    public readonly head: readonly unknown[],
    public readonly tail: readonly unknown[],
  ) {}
}

export const go = (expr: string): GoAction => new GoAction(expr);
export const goString = (...parts: (string | GoAction)[]): GoString => new GoString(parts);
export const goBlock = (...parts: (string | GoAction)[]): GoBlock => new GoBlock(parts);
export const goIf = (condition: string, then: unknown, otherwise?: unknown): GoIf =>
  new GoIf(condition, then, otherwise);
export const goRange = (header: string, item: unknown): GoRange => new GoRange(header, item);
export const goListSplit = (
  condition: string,
  otherKey: string,
  head: readonly unknown[],
  tail: readonly unknown[],
): GoListSplit => new GoListSplit(condition, otherKey, head, tail);

/** `annotation .ObjectMeta "<key>" <fallback>`: a pod annotation, or the fallback. */
export const annotationOr = (key: string, fallback: string): string =>
  `annotation .ObjectMeta ${JSON.stringify(key)} ${fallback}`;

const PLAIN_KEY = /^[A-Za-z0-9_./-]+$/;

function literal(text: string): string {
  if (text.includes('{{') || text.includes('}}')) {
    throw new Error(`Template literal ${JSON.stringify(text)} must not contain {{ or }}.`);
  }
  return text;
}

function action(a: GoAction): string {
  return `{{ ${a.expr} }}`;
}

function inline(parts: readonly (string | GoAction)[], escape: (s: string) => string): string {
  return parts.map((p) => (typeof p === 'string' ? escape(literal(p)) : action(p))).join('');
}

function isScalar(v: unknown): boolean {
  return (
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    v === null ||
    v instanceof GoAction ||
    v instanceof GoString ||
    v instanceof k8s.IntOrString ||
    v instanceof k8s.Quantity
  );
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(literal(v));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (v instanceof GoAction) return action(v);
  if (v instanceof GoString) return `"${inline(v.parts, (s) => JSON.stringify(s).slice(1, -1))}"`;
  if (v instanceof k8s.IntOrString || v instanceof k8s.Quantity) return scalar(v.value);
  throw new Error(`Unsupported template scalar ${String(v)}.`);
}

const pad = (n: number): string => ' '.repeat(n);
const control = (indent: number, text: string): string => `${pad(indent)}{{- ${text} }}`;

function writeValue(prefix: string, value: unknown, indent: number, out: string[]): void {
  if (value instanceof GoBlock) {
    out.push(`${prefix}|-`, `${pad(indent + 2)}${inline(value.parts, (s) => s)}`);
  } else if (isScalar(value)) {
    out.push(`${prefix}${scalar(value)}`);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${prefix}[]`);
    } else {
      out.push(prefix.trimEnd());
      writeList(value, indent + 2, out);
    }
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push(`${prefix}{}`);
    } else {
      out.push(prefix.trimEnd());
      writeMap(value as Record<string, unknown>, indent + 2, out);
    }
  } else {
    throw new Error(`Unsupported template value ${String(value)}.`);
  }
}

function writeEntry(key: string, value: unknown, indent: number, out: string[]): void {
  const k = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
  writeValue(`${pad(indent)}${k}: `, value, indent, out);
}

function writeMap(map: Record<string, unknown>, indent: number, out: string[]): void {
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined) continue;
    if (value instanceof GoIf) {
      out.push(control(indent, `if ${value.condition}`));
      writeEntry(key, value.then, indent, out);
      if (value.otherwise !== undefined) {
        out.push(control(indent, 'else'));
        writeEntry(key, value.otherwise, indent, out);
      }
      out.push(control(indent, 'end'));
    } else if (value instanceof GoRange) {
      throw new Error(`A range can only produce list items (key ${key}).`);
    } else if (value instanceof GoListSplit) {
      writeListSplit(key, value, map, indent, out);
    } else {
      writeEntry(key, value, indent, out);
    }
  }
}

function writeListSplit(
  key: string,
  split: GoListSplit,
  map: Record<string, unknown>,
  indent: number,
  out: string[],
): void {
  // Without head items the key would be left empty (null) whenever the tail moves away.
  if (split.head.length === 0 || split.tail.length === 0) {
    throw new Error(`A split list needs items on both sides (key ${key}).`);
  }
  if (split.otherKey in map) {
    throw new Error(`A split list cannot move items to the existing key ${split.otherKey}.`);
  }
  out.push(`${pad(indent)}${key}:`);
  writeList(split.head, indent + 2, out);
  out.push(control(indent, `if not ${split.condition}`));
  out.push(`${pad(indent)}${split.otherKey}:`);
  out.push(control(indent, 'end'));
  writeList(split.tail, indent + 2, out);
}

function writeItem(item: unknown, indent: number, out: string[]): void {
  if (item instanceof GoIf) {
    out.push(control(indent, `if ${item.condition}`));
    writeItems(item.then, indent, out);
    if (item.otherwise !== undefined) {
      out.push(control(indent, 'else'));
      writeItems(item.otherwise, indent, out);
    }
    out.push(control(indent, 'end'));
  } else if (item instanceof GoRange) {
    out.push(control(indent, `range ${item.header}`));
    writeItem(item.item, indent, out);
    out.push(control(indent, 'end'));
  } else if (Array.isArray(item)) {
    throw new Error('Nested lists are not supported in injection templates.');
  } else if (isScalar(item) || item instanceof GoBlock) {
    writeValue(`${pad(indent)}- `, item, indent, out);
  } else {
    const body: string[] = [];
    writeMap(item as Record<string, unknown>, indent + 2, body);
    if (body.length === 0 || body[0].trimStart().startsWith('{{')) {
      throw new Error('A list item must start with an unconditional field.');
    }
    body[0] = `${pad(indent)}- ${body[0].slice(indent + 2)}`;
    out.push(...body);
  }
}

function writeItems(items: unknown, indent: number, out: string[]): void {
  for (const item of Array.isArray(items) ? items : [items]) writeItem(item, indent, out);
}

function writeList(list: readonly unknown[], indent: number, out: string[]): void {
  for (const item of list) writeItem(item, indent, out);
}

/**
 * The template text: the variable definitions of `header` (one action per line, producing no
 * output), then `body` as block YAML.
 */
export function renderGoTemplate(header: readonly string[], body: Record<string, unknown>): string {
  const out = header.map((h) => `{{- ${h} }}`);
  writeMap(body, 0, out);
  return `${out.join('\n')}\n`;
}
