import { Layer } from '../../../constructs/core/layers';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { Dex } from '../../../constructs/dex';
import {
  DEX_CRD_CONSTRAINTS,
  DEX_CRD_FACTS,
  DEX_CRD_VERSION,
  DEX_GROUP,
  SchemaConstraint,
} from './crd-facts';
import { FakeGateway, FakeMesh } from '../../fakes';
import { CORPORATE_SSO, LayeredApp, Manifest, buildDex } from './helpers';

const crds = buildDex().objects().ofKind('CustomResourceDefinition');

/** Every default, enum and required of a schema, path by path, in the notation of the facts. */
function constraintsOf(schema: Manifest, path = ''): SchemaConstraint[] {
  const at = path || '<root>';
  const own: SchemaConstraint[] = [
    ...('default' in schema ? [{ path: at, kind: 'default' as const, value: schema.default }] : []),
    ...(schema.enum ? [{ path: at, kind: 'enum' as const, value: schema.enum }] : []),
    ...(schema.required ? [{ path: at, kind: 'required' as const, value: schema.required }] : []),
  ];
  const join = (p: string): string => (path ? `${path}.${p}` : p);
  const children = [
    ...Object.entries((schema.properties ?? {}) as Record<string, Manifest>).flatMap(([k, v]) =>
      constraintsOf(v, join(k)),
    ),
    ...(schema.items ? constraintsOf(schema.items as Manifest, `${path}[]`) : []),
    ...(typeof schema.additionalProperties === 'object'
      ? constraintsOf(schema.additionalProperties as Manifest, `${path}{*}`)
      : []),
  ];
  return [...own, ...children];
}

describe('Dex CRDs', () => {
  test('are exactly the ten CRDs of the Kubernetes storage', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(
      DEX_CRD_FACTS.map((f) => f.name).sort(),
    );
  });

  test.each(DEX_CRD_FACTS.map((f) => [f.kind, f] as const))(
    '%s has the upstream identity',
    (_kind, fact) => {
      const crd = crds.find((c) => c.metadata.name === fact.name) as Manifest;
      expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(crd.spec.group).toBe(DEX_GROUP);
      expect(crd.spec.scope).toBe('Namespaced');
      expect(crd.spec.names).toEqual({
        kind: fact.kind,
        // What the API server defaults it to; Dex leaves it out.
        listKind: `${fact.kind}List`,
        plural: fact.plural,
        singular: fact.singular,
      });
      expect(crd.spec.versions).toEqual([DEX_CRD_VERSION]);
      expect(crd.spec.conversion).toBeUndefined();
      expect(crd.metadata.labels['app.kubernetes.io/name']).toBe('dex');
    },
  );

  test('carry exactly the defaults, enums and required fields of upstream, path by path', () => {
    // The walk finds a constraint wherever one sits, so an added default would fail the test.
    expect(
      constraintsOf({
        type: 'object',
        required: ['a'],
        properties: { a: { type: 'array', items: { type: 'string', default: 'x' } } },
      }),
    ).toEqual([
      { path: '<root>', kind: 'required', value: ['a'] },
      { path: 'a[]', kind: 'default', value: 'x' },
    ]);
    for (const crd of crds) {
      const schema = crd.spec.versions[0].schema.openAPIV3Schema as Manifest;
      expect([crd.metadata.name, constraintsOf(schema)]).toEqual([
        crd.metadata.name,
        DEX_CRD_CONSTRAINTS[crd.metadata.name],
      ]);
    }
  });

  test('keep every field: Dex objects have no spec, their fields sit at the top level', () => {
    for (const crd of crds) {
      const schema = crd.spec.versions[0].schema.openAPIV3Schema;
      expect(schema.properties).toBeUndefined();
      expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
    }
  });

  test('go to the CRDs layer; the workload stays in the identity layer', () => {
    const platform = new LayeredApp();
    const chart = platform.chartFor(Layer.IDENTITY);
    const namespace = new PlatformNamespace(platform.chartFor(Layer.NAMESPACES), 'Auth', {
      name: 'auth',
    });
    new Dex(chart, 'Dex', {
      namespace,
      gateway: new FakeGateway(chart, 'Gateway'),
      mesh: new FakeMesh(),
      connectors: [CORPORATE_SSO],
    });
    const crdLayer = platform.objectsIn(Layer.CRDS);
    expect(crdLayer.ofKind('CustomResourceDefinition')).toHaveLength(10);
    expect(crdLayer.all.filter((o) => o.kind !== 'CustomResourceDefinition')).toEqual([]);
    const identity = platform.objectsIn(Layer.IDENTITY);
    expect(identity.ofKind('CustomResourceDefinition')).toEqual([]);
    expect(identity.has('Deployment', 'auth', 'dex')).toBe(true);
    expect(identity.has('ConfigMap', 'auth', 'dex')).toBe(true);
    // The allows belong to the namespace, wherever the namespace lives.
    expect(
      platform.objectsIn(Layer.NAMESPACES).has('NetworkPolicy', 'auth', 'allow-dex-from-gateway'),
    ).toBe(true);
  });
});
