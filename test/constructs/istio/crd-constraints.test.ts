import { Chart, Testing } from 'cdk8s';
import { IstioCrds } from '../../../constructs/istio';
import { CRD_CONSTRAINT_FACTS, CrdConstraintFact } from './crd-constraints';
import { Manifest, objectsOfKind } from './helpers';

/** What a schema declares, path by path (paths as in crd-constraints.ts). */
interface SchemaConstraints {
  paths: string[];
  required: Record<string, unknown>;
  enums: Record<string, unknown>;
  defaults: Record<string, unknown>;
}

function constraintsOf(schema: Manifest): SchemaConstraints {
  const found: SchemaConstraints = { paths: [], required: {}, enums: {}, defaults: {} };
  const walk = (node: Manifest, path: string): void => {
    const at = path || '<root>';
    found.paths.push(at);
    if (node.required !== undefined) found.required[at] = node.required;
    if (node.enum !== undefined) found.enums[at] = node.enum;
    if (node.default !== undefined) found.defaults[at] = node.default;
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      walk(child, path ? `${path}.${key}` : key);
    }
    if (node.items) walk(node.items, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties, `${path}{*}`);
    }
  };
  walk(schema, '');
  return found;
}

/** Every difference between a synthesized schema and the upstream facts, one line per path. */
function differences(schema: Manifest, fact: CrdConstraintFact): string[] {
  const ours = constraintsOf(schema);
  const problems: string[] = [];
  const modelled = [...ours.paths].sort();
  const known = [...fact.paths].sort();
  if (JSON.stringify(modelled) !== JSON.stringify(known)) {
    problems.push(
      `modelled paths ${modelled.join(', ')} differ from the facts' ${known.join(', ')}`,
    );
  }
  for (const kind of ['required', 'enums', 'defaults'] as const) {
    const upstream = fact[kind] as Record<string, unknown>;
    for (const path of new Set([...Object.keys(ours[kind]), ...Object.keys(upstream)])) {
      const a = JSON.stringify(ours[kind][path]);
      const b = JSON.stringify(upstream[path]);
      if (a !== b)
        problems.push(`${kind} at ${path}: ours ${a ?? 'none'}, upstream ${b ?? 'none'}`);
    }
  }
  return problems;
}

function synthCrds(): Manifest[] {
  const chart = new Chart(Testing.app(), 'crds');
  new IstioCrds(chart, 'Crds');
  return objectsOfKind(Testing.synth(chart), 'CustomResourceDefinition');
}

const crds = synthCrds();
const schemaOf = (crd: string, version: string): Manifest =>
  crds.find((c) => c.metadata.name === crd)?.spec.versions.find((v: Manifest) => v.name === version)
    ?.schema.openAPIV3Schema;
const cases = CRD_CONSTRAINT_FACTS.flatMap((fact) =>
  fact.versions.map((version) => ({ name: `${fact.crd} ${version}`, fact, version })),
);

describe('Istio CRD schemas carry the upstream defaults, enums and required fields', () => {
  test('the facts cover every version of every CRD we synthesize, once', () => {
    const synthesized = crds.flatMap((c) =>
      c.spec.versions.map((v: Manifest) => `${c.metadata.name} ${v.name}`),
    );
    expect(cases.map((c) => c.name).sort()).toEqual([...synthesized].sort());
  });

  test.each(cases)('$name matches upstream 1.30.1 path by path', ({ fact, version }) => {
    expect(differences(schemaOf(fact.crd, version), fact)).toEqual([]);
  });

  test('no Istio CRD declares a default, upstream or ours', () => {
    for (const fact of CRD_CONSTRAINT_FACTS) expect(fact.defaults).toEqual({});
    for (const crd of crds) {
      for (const version of crd.spec.versions) {
        expect(constraintsOf(version.schema.openAPIV3Schema).defaults).toEqual({});
      }
    }
  });

  test('the comparison fails on a missing enum value, a dropped required field or a default', () => {
    const fact = CRD_CONSTRAINT_FACTS.find(
      (f) => f.crd === 'peerauthentications.security.istio.io',
    ) as CrdConstraintFact;
    const schema = structuredClone(schemaOf(fact.crd, 'v1'));
    schema.properties.spec.properties.mtls.properties.mode.enum.pop();
    schema.properties.spec.properties.mtls.properties.mode.default = 'STRICT';
    schema.properties.spec.required = ['mtls'];
    schema.properties.spec.properties.selector = { type: 'object' };
    expect(differences(schema, fact)).toEqual([
      expect.stringMatching(/^modelled paths .* differ/),
      'required at spec: ours ["mtls"], upstream none',
      'enums at spec.mtls.mode: ours ["UNSET","DISABLE","PERMISSIVE"], upstream ["UNSET","DISABLE","PERMISSIVE","STRICT"]',
      'defaults at spec.mtls.mode: ours "STRICT", upstream none',
    ]);
  });

  test('subtrees that 1.30 extended are preserved whole, so the new fields are never pruned', () => {
    // AuthorizationPolicy rules[].from[].source.trustDomains / notTrustDomains and Telemetry
    // tracing[].disableContextPropagation are new in 1.30; we model neither subtree.
    for (const [crd, field] of [
      ['authorizationpolicies.security.istio.io', 'rules'],
      ['telemetries.telemetry.istio.io', 'tracing'],
    ]) {
      for (const version of crds.find((c) => c.metadata.name === crd).spec.versions) {
        const spec = version.schema.openAPIV3Schema.properties.spec;
        expect(spec['x-kubernetes-preserve-unknown-fields']).toBe(true);
        expect(spec.properties?.[field]).toBeUndefined();
      }
    }
  });
});
