import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { Istio, IstioProps } from '../../../constructs/istio';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { CLUSTER_ISSUER } from '../../fakes';

// Synthesized manifests are untyped JSON; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = any;

export interface Fixture {
  readonly chart: Chart;
  readonly istio: Istio;
  readonly namespace: PlatformNamespace;
  readonly cniNamespace: PlatformNamespace;
}

/** The namespaces the platform creates for Istio: istio-system (restricted) and istio-cni. */
export function platformNamespaces(scope: Construct): {
  namespace: PlatformNamespace;
  cniNamespace: PlatformNamespace;
} {
  return {
    namespace: new PlatformNamespace(scope, 'IstioSystem', { name: 'istio-system' }),
    cniNamespace: new PlatformNamespace(scope, 'IstioCni', {
      name: 'istio-cni',
      podSecurity: 'privileged',
      podSecurityReason: 'The Istio CNI node agent writes CNI config on the host.',
    }),
  };
}

/** A chart with the two namespaces the platform creates and an Istio with `props` on top. */
export function istioFixture(
  props: Partial<IstioProps> = {},
  context: Record<string, unknown> = {},
): Fixture {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  const { namespace, cniNamespace } = platformNamespaces(chart);
  const istio = new Istio(chart, 'Istio', {
    namespace,
    cniNamespace,
    gateway: { hosts: ['kubeflow.example.com'], issuer: CLUSTER_ISSUER },
    ...props,
  });
  return { chart, istio, namespace, cniNamespace };
}

export function synth(scope: Construct): Manifest[] {
  return Testing.synth(scope as Chart);
}

/** The one object with this kind, namespace and name; fails the test otherwise. */
export function findObject(
  objects: readonly Manifest[],
  kind: string,
  namespace: string | undefined,
  name: string,
): Manifest {
  const found = objects.filter(
    (o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace,
  );
  if (found.length !== 1) {
    const have = objects.map(
      (o) => `${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`,
    );
    throw new Error(
      `expected one ${kind} ${namespace ?? '-'}/${name}, found ${found.length}; have:\n${have.join('\n')}`,
    );
  }
  return found[0];
}

export function objectsOfKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Parsed `config` and `values` of the injector ConfigMap. */
export function injectorConfig(objects: readonly Manifest[], name = 'istio-sidecar-injector') {
  const cm = findObject(objects, 'ConfigMap', 'istio-system', name);
  return {
    config: parse(cm.data.config) as {
      policy: string;
      defaultTemplates: string[];
      templates: Record<string, string>;
    },
    values: JSON.parse(cm.data.values) as Manifest,
  };
}

/** What the evaluator knows about the pod being injected and istiod's template data. */
export interface TemplateInput {
  /** The injector `values` (as parsed from the ConfigMap). */
  readonly values: Manifest;
  /** `.X.Y` fields of istiod's template data, by dotted path (e.g. `.ProxyImage`). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Values of variables that istiod computes from the pod (`$apps`, `$ports`). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

const CONTROL = /^\s*\{\{-\s*(.*?)\s*\}\}\s*$/;

function lookup(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== undefined && v !== null && v !== false && v !== '' && v !== 0;
}

/**
 * Evaluates one template pipeline of the small subset our templates use: `.Values.*`, template
 * data fields, variables, string literals, `annotation .ObjectMeta "k" <fallback>` (the test pod
 * has no annotations), `excludeInboundPort`, `list`, `first`, `join`, `lower`, `not`, `ne`, `and`, and the pipe
 * stages `default`, `quote`, `trunc` and `trimSuffix`. Anything else yields undefined.
 */
function evaluate(expr: string, input: TemplateInput, vars: Record<string, unknown>): unknown {
  const [head, ...stages] = expr.split(' | ').map((s) => s.trim());
  let value = evaluateCommand(head, input, vars);
  for (const stage of stages) {
    let m: RegExpMatchArray | null;
    if (stage === 'quote') {
      value = value === undefined ? undefined : JSON.stringify(String(value));
    } else if ((m = /^default (.*)$/.exec(stage))) {
      value = truthy(value) ? value : evaluateCommand(m[1], input, vars);
    } else if (!/^(trunc \d+|trimSuffix "[^"]*")$/.test(stage)) {
      value = undefined;
    }
  }
  return value;
}

function evaluateCommand(
  command: string,
  input: TemplateInput,
  vars: Record<string, unknown>,
): unknown {
  const e = command.replace(/^\((.*)\)$/, '$1').trim();
  let m: RegExpMatchArray | null;
  if (/^"[^"]*"$/.test(e)) return e.slice(1, -1);
  if (e === 'list') return [];
  if (e.startsWith('$')) return vars[e.slice(1)];
  if (e.startsWith('.Values.')) return lookup(input.values, e.slice('.Values.'.length).split('.'));
  if (e.startsWith('.') && !e.includes(' ')) return input.data[e];
  if ((m = /^annotation \.ObjectMeta "[^"]+" (\S+)$/.exec(e))) {
    return evaluateCommand(m[1], input, vars);
  }
  if ((m = /^first (\S+)$/.exec(e))) {
    const list = evaluateCommand(m[1], input, vars);
    return Array.isArray(list) ? list[0] : undefined;
  }
  if ((m = /^lower (\S+)$/.exec(e))) {
    const v = evaluateCommand(m[1], input, vars);
    return typeof v === 'string' ? v.toLowerCase() : undefined;
  }
  if ((m = /^join "([^"]*)" (\S+)$/.exec(e))) {
    const list = evaluateCommand(m[2], input, vars);
    return Array.isArray(list) ? list.join(m[1]) : undefined;
  }
  if ((m = /^excludeInboundPort (\S+) \((.*)\)$/.exec(e))) {
    const port = String(evaluateCommand(m[1], input, vars));
    const excluded = String(evaluateCommand(m[2], input, vars) ?? '');
    if (port === '0' || port === '') return excluded;
    const list = excluded.split(',').filter((p) => p.trim() !== '');
    return list.includes(port) ? excluded : [...list, port].join(',');
  }
  if ((m = /^not (.*)$/.exec(e))) return !truthy(evaluateCommand(m[1], input, vars));
  if ((m = /^ne (\S+) (\S+)$/.exec(e))) {
    return (
      String(evaluateCommand(m[1], input, vars)) !== String(evaluateCommand(m[2], input, vars))
    );
  }
  if ((m = /^and (\S+) (\S+)$/.exec(e))) {
    return truthy(evaluateCommand(m[1], input, vars)) && truthy(evaluateCommand(m[2], input, vars));
  }
  return undefined;
}

/** Replaces inline actions; `range ... end` spans inside a line render as nothing. */
function renderInline(line: string, input: TemplateInput, vars: Record<string, unknown>): string {
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
      const value = evaluate(expr, input, vars);
      out += value === undefined ? 'GO' : String(value);
    }
  }
  return out + (depth === 0 ? rest : '');
}

/**
 * Renders an injection template the way istiod would for a pod without annotations, then parses
 * it. Control actions must stand on their own lines (which our template writer guarantees);
 * conditions it cannot evaluate fail the test.
 */
export function renderInjectionTemplate(text: string, input: TemplateInput): Manifest {
  const vars: Record<string, unknown> = { ...(input.vars ?? {}) };
  const out: string[] = [];
  // Each frame: whether the enclosing block emits, and whether a branch was taken.
  const stack: { emit: boolean; taken: boolean }[] = [];
  const emitting = (): boolean => stack.every((f) => f.emit);
  for (const line of text.split('\n')) {
    const control = CONTROL.exec(line);
    if (!control) {
      if (emitting()) out.push(renderInline(line, input, vars));
      continue;
    }
    const action = control[1];
    let m: RegExpMatchArray | null;
    if (!emitting() && /^(if|range) /.test(action)) {
      stack.push({ emit: false, taken: true });
    } else if ((m = /^if (.*)$/.exec(action))) {
      const value = evaluate(m[1], input, vars);
      if (value === undefined) throw new Error(`cannot evaluate condition: ${m[1]}`);
      stack.push({ emit: truthy(value), taken: truthy(value) });
    } else if (action === 'else') {
      const frame = stack[stack.length - 1];
      frame.emit = !frame.taken;
    } else if (/^range /.test(action)) {
      stack.push({ emit: false, taken: true }); // the test pod has no proxy metadata
    } else if (action === 'end') {
      stack.pop();
    } else if ((m = /^\$(\w+) := (.*)$/.exec(action)) && emitting()) {
      if (!(m[1] in vars)) vars[m[1]] = evaluate(m[2], input, vars);
    }
    // Other whole-line actions (assignments inside loops) produce no text.
  }
  if (stack.length > 0) throw new Error('unbalanced template: missing {{- end }}');
  return parse(out.join('\n'));
}
