import { parse } from 'yaml';
import { Manifest } from './helpers';

/**
 * A small evaluator for the Go templates our injector writes (see
 * constructs/istio/private/go-template.ts), so that tests can render them the way istiod would for
 * a given pod and template data, and assert the resulting pod fields.
 *
 * It parses pipelines properly (operands, parenthesized sub-pipelines, `|` stages) and knows the
 * functions our templates call, with Go and sprig semantics where they matter: `annotation` and
 * `index` on pod metadata, `default`, `printf "%t"`, `eq`, `ne`, `and`, `or`, `not`, `quote`,
 * `list`, `first`, `join`, `lower`, `trunc`, `trimSuffix` and istiod's `excludeInboundPort`.
 * Anything it does not know evaluates to undefined: inline it renders as `GO`, and as a condition
 * it fails the test.
 */

/** What istiod knows about the pod being injected, and its template data. */
export interface TemplateInput {
  /** The injector `values` (as parsed from the ConfigMap). */
  readonly values: Manifest;
  /**
   * Fields of istiod's template data by dotted path (`.ProxyImage`, `.NativeSidecars`,
   * `.ProxyUID`, `.ProxyConfig.InterceptionMode`, ...).
   */
  readonly data: Readonly<Record<string, unknown>>;
  /** The pod's annotations (`.ObjectMeta.Annotations`). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The pod's labels (`.ObjectMeta.Labels`). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Variables istiod computes by ranging over the pod's containers (`$apps`, `$ports`). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

type Value =
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'var' | 'field' | 'ident'; readonly v: string };
type Token = Value | { readonly t: 'open' } | { readonly t: 'close' } | { readonly t: 'pipe' };

type Operand = Value | { readonly t: 'sub'; readonly v: Pipeline };
type Command = Operand[];
type Pipeline = Command[];

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '|') {
      tokens.push({ t: c === '(' ? 'open' : c === ')' ? 'close' : 'pipe' });
      i++;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(expr.slice(i));
      if (!m) throw new Error(`unterminated string in ${expr}`);
      tokens.push({ t: 'str', v: JSON.parse(m[0]) as string });
      i += m[0].length;
    } else if (c === '`') {
      const end = expr.indexOf('`', i + 1);
      tokens.push({ t: 'str', v: expr.slice(i + 1, end) });
      i = end + 1;
    } else {
      const m = /^[^\s()|]+/.exec(expr.slice(i)) as RegExpExecArray;
      const word = m[0];
      if (/^-?\d+$/.test(word)) tokens.push({ t: 'num', v: Number(word) });
      else if (word.startsWith('$')) tokens.push({ t: 'var', v: word });
      else if (word.startsWith('.')) tokens.push({ t: 'field', v: word });
      else tokens.push({ t: 'ident', v: word });
      i += word.length;
    }
  }
  return tokens;
}

function parsePipeline(tokens: Token[], pos: { i: number }): Pipeline {
  const pipeline: Pipeline = [[]];
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i++];
    if (tok.t === 'close') return pipeline;
    if (tok.t === 'pipe') pipeline.push([]);
    else if (tok.t === 'open')
      pipeline[pipeline.length - 1].push({ t: 'sub', v: parsePipeline(tokens, pos) });
    else pipeline[pipeline.length - 1].push(tok);
  }
  return pipeline;
}

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0;
  return v !== undefined && v !== null && v !== false && v !== '' && v !== 0;
}

function lookup(root: unknown, path: readonly string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

type Fn = (...args: unknown[]) => unknown;

/** Undefined in, undefined out: an unknown value stays visible instead of turning into text. */
const strict =
  (f: Fn): Fn =>
  (...args) =>
    args.some((a) => a === undefined) ? undefined : f(...args);

const FUNCTIONS: Record<string, Fn> = {
  // istiod: the annotation if the pod has it, else the fallback printed as Go prints it.
  annotation: strict((meta, key, fallback) => {
    const annotations = (meta as { Annotations: Record<string, string> }).Annotations;
    return Object.hasOwn(annotations, key as string)
      ? annotations[key as string]
      : String(fallback);
  }),
  // Go: a missing key of a map[string]string is "".
  index: strict((map, key) => (map as Record<string, unknown>)[key as string] ?? ''),
  // sprig: `default d v`.
  default: (d, v) => (truthy(v) ? v : d),
  printf: strict((format, ...args) => {
    let n = 0;
    return (format as string).replace(/%[tsdv]/g, () => String(args[n++]));
  }),
  eq: strict((a, b) => String(a) === String(b)),
  ne: strict((a, b) => String(a) !== String(b)),
  not: strict((v) => !truthy(v)),
  and: strict((...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1]),
  or: strict((...args) => args.find((a) => truthy(a)) ?? args[args.length - 1]),
  quote: strict((v) => JSON.stringify(String(v))),
  list: (...items) => items,
  first: strict((l) => (Array.isArray(l) ? l[0] : undefined)),
  join: strict((sep, l) => (Array.isArray(l) ? l.join(sep as string) : undefined)),
  lower: strict((s) => String(s).toLowerCase()),
  trunc: strict((n, s) => String(s).slice(0, n as number)),
  trimSuffix: strict((suffix, s) =>
    String(s).endsWith(suffix as string) ? String(s).slice(0, -String(suffix).length) : s,
  ),
  excludeInboundPort: strict((port, excluded) => {
    const p = String(port);
    if (p === '0' || p === '') return String(excluded);
    const list = String(excluded)
      .split(',')
      .filter((x) => x.trim() !== '');
    return list.includes(p) ? String(excluded) : [...list, p].join(',');
  }),
};

class Evaluator {
  public constructor(
    private readonly input: TemplateInput,
    private readonly vars: Record<string, unknown>,
  ) {}

  public evaluate(expr: string): unknown {
    return this.pipeline(parsePipeline(tokenize(expr), { i: 0 }));
  }

  private pipeline(pipeline: Pipeline): unknown {
    let value: unknown;
    pipeline.forEach((command, n) => {
      value = this.command(command, n === 0 ? [] : [value]);
    });
    return value;
  }

  private command(command: Command, piped: unknown[]): unknown {
    const [head, ...rest] = command;
    if (head.t === 'ident' && !['true', 'false', 'nil'].includes(head.v)) {
      const fn = FUNCTIONS[head.v] as Fn | undefined;
      return fn?.(...rest.map((o) => this.operand(o)), ...piped);
    }
    if (rest.length > 0 || piped.length > 0) return undefined;
    return this.operand(head);
  }

  private operand(o: Operand): unknown {
    switch (o.t) {
      case 'str':
      case 'num':
        return o.v;
      case 'sub':
        return this.pipeline(o.v);
      case 'ident':
        return o.v === 'true' ? true : o.v === 'false' ? false : null;
      case 'var': {
        const [name, ...path] = o.v.slice(1).split('.');
        return lookup(this.vars[name], path);
      }
      case 'field':
        return this.field(o.v);
    }
  }

  private field(path: string): unknown {
    const { data, values } = this.input;
    if (Object.hasOwn(data, path)) return data[path];
    if (path.startsWith('.Values.')) return lookup(values, path.split('.').slice(2));
    const meta = { Annotations: this.input.annotations ?? {}, Labels: this.input.labels ?? {} };
    if (path === '.ObjectMeta') return meta;
    if (path.startsWith('.ObjectMeta.')) return lookup(meta, path.split('.').slice(2));
    return undefined;
  }
}

const CONTROL = /^\s*\{\{-\s*(.*?)\s*\}\}\s*$/;

/** Replaces inline actions; `range ... end` spans inside a line render as nothing. */
function renderInline(line: string, ev: Evaluator): string {
  let out = '';
  let depth = 0;
  let rest = line;
  for (;;) {
    const start = rest.indexOf('{{');
    if (start < 0) break;
    const end = rest.indexOf('}}', start);
    const text = rest.slice(0, start);
    const expr = rest.slice(start + 2, end).trim();
    rest = rest.slice(end + 2);
    if (depth === 0) out += text;
    if (/^(range|if) /.test(expr) && (depth > 0 || expr.startsWith('range'))) {
      depth++;
    } else if (expr === 'end' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      const value = ev.evaluate(expr);
      out += value === undefined ? 'GO' : String(value);
    }
  }
  return out + (depth === 0 ? rest : '');
}

/** Evaluates one expression of template data, e.g. the header's `$nativeSidecar`. */
export function evaluateExpression(expr: string, input: TemplateInput): unknown {
  return new Evaluator(input, { ...(input.vars ?? {}) }).evaluate(expr);
}

/**
 * Renders an injection template the way istiod would for the pod and data of `input`, then
 * parses it. Control actions must stand on their own lines (which our template writer
 * guarantees); `range` blocks render nothing (the variables they compute come from `vars`), and a
 * condition the evaluator cannot decide fails the test.
 */
export function renderInjectionTemplate(text: string, input: TemplateInput): Manifest {
  const vars: Record<string, unknown> = { ...(input.vars ?? {}) };
  const ev = new Evaluator(input, vars);
  const out: string[] = [];
  // Each frame: whether the enclosing block emits, and whether a branch was taken.
  const stack: { emit: boolean; taken: boolean }[] = [];
  const emitting = (): boolean => stack.every((f) => f.emit);
  for (const line of text.split('\n')) {
    const control = CONTROL.exec(line);
    if (!control) {
      if (emitting()) out.push(renderInline(line, ev));
      continue;
    }
    const action = control[1];
    let m: RegExpMatchArray | null;
    if (!emitting() && /^(if|range) /.test(action)) {
      stack.push({ emit: false, taken: true });
    } else if ((m = /^if (.*)$/.exec(action))) {
      const value = ev.evaluate(m[1]);
      if (value === undefined) throw new Error(`cannot evaluate condition: ${m[1]}`);
      stack.push({ emit: truthy(value), taken: truthy(value) });
    } else if (action === 'else') {
      const frame = stack[stack.length - 1];
      frame.emit = !frame.taken;
    } else if (/^range /.test(action)) {
      stack.push({ emit: false, taken: true });
    } else if (action === 'end') {
      stack.pop();
    } else if ((m = /^\$(\w+) := (.*)$/.exec(action)) && emitting()) {
      if (!(m[1] in vars)) {
        const value = ev.evaluate(m[2]);
        if (value === undefined) throw new Error(`cannot evaluate ${action}`);
        vars[m[1]] = value;
      }
    }
    // Other whole-line actions (assignments inside loops) produce no text.
  }
  if (stack.length > 0) throw new Error('unbalanced template: missing {{- end }}');
  return parse(out.join('\n'));
}
