import { AGE_DESCRIPTION, CRD_FACTS } from './crd-facts';
import { Manifest, buildCertManager } from './helpers';

const crds = buildCertManager().objects().ofKind('CustomResourceDefinition');
const byName = (name: string): Manifest => {
  const crd = crds.find((c) => c.metadata.name === name);
  if (!crd) throw new Error(`no CRD ${name}`);
  return crd;
};
const schemaOf = (crd: Manifest): Manifest => crd.spec.versions[0].schema.openAPIV3Schema;

/** Every node of a schema with its path, following properties, items and additionalProperties. */
function nodes(schema: Manifest, path = ''): { path: string; node: Manifest }[] {
  const out = [{ path, node: schema }];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    out.push(...nodes(child as Manifest, `${path}.${key}`));
  }
  if (schema.items) out.push(...nodes(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === 'object') {
    out.push(...nodes(schema.additionalProperties, `${path}{}`));
  }
  return out;
}

describe('cert-manager CRDs', () => {
  test('are exactly the six upstream CRDs', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual(CRD_FACTS.map((f) => f.name).sort());
  });

  describe.each(CRD_FACTS.map((f) => [f.kind, f] as const))('%s', (_kind, fact) => {
    const crd = byName(fact.name);

    test('has the upstream group, names, scope and version', () => {
      expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
      expect(crd.spec.group).toBe(fact.group);
      expect(crd.spec.scope).toBe(fact.scope);
      expect(crd.spec.names).toEqual({
        kind: fact.kind,
        listKind: fact.listKind,
        plural: fact.plural,
        singular: fact.singular,
        ...(fact.shortNames ? { shortNames: fact.shortNames } : {}),
        categories: fact.categories,
      });
      expect(crd.spec.versions).toHaveLength(1);
      const v = crd.spec.versions[0];
      expect({ name: v.name, served: v.served, storage: v.storage }).toEqual(fact.version);
      expect(v.subresources).toEqual({ status: {} });
      expect(crd.spec.conversion).toBeUndefined();
    });

    test('has the upstream printer columns, ending with Age', () => {
      const columns = crd.spec.versions[0].additionalPrinterColumns as Manifest[];
      expect(columns.slice(0, -1).map((c) => [c.name, c.jsonPath, c.priority ?? 0])).toEqual(
        fact.columns,
      );
      expect(columns.slice(0, -1).every((c) => c.type === 'string')).toBe(true);
      expect(columns[columns.length - 1]).toEqual({
        name: 'Age',
        type: 'date',
        jsonPath: '.metadata.creationTimestamp',
        description: AGE_DESCRIPTION,
      });
    });

    test('has the upstream required lists of the root and the spec', () => {
      const root = schemaOf(crd);
      expect(Object.keys(root.properties).sort()).toEqual([
        'apiVersion',
        'kind',
        'metadata',
        'spec',
        'status',
      ]);
      expect(root.required).toEqual(fact.rootRequired);
      expect(root.properties.spec.required).toEqual(fact.specRequired);
    });

    test('has the upstream selectable fields (new in v1.20)', () => {
      const selectable = crd.spec.versions[0].selectableFields as Manifest[] | undefined;
      expect(selectable?.map((f) => f.jsonPath)).toEqual(fact.selectableFields);
    });

    test('is structural: every node is typed or preserved, written with the JSON key names', () => {
      for (const { path, node } of nodes(schemaOf(crd))) {
        const typed = typeof node.type === 'string';
        const preserved = node['x-kubernetes-preserve-unknown-fields'] === true;
        expect({ path, ok: typed || preserved }).toEqual({ path, ok: true });
        if (node.type === 'array')
          expect({ path, items: typeof node.items }).toEqual({ path, items: 'object' });
      }
      expect(JSON.stringify(crd)).not.toMatch(/"xKubernetes|"openApiv3Schema"/);
    });

    test('carries the component labels', () => {
      expect(crd.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'cert-manager',
        'app.kubernetes.io/instance': 'cert-manager',
        'app.kubernetes.io/component': 'crds',
        'app.kubernetes.io/version': 'v1.20.2',
      });
    });
  });

  test('status.conditions is a list map keyed by type, as upstream', () => {
    for (const name of ['certificates.cert-manager.io', 'issuers.cert-manager.io']) {
      const conditions = schemaOf(byName(name)).properties.status.properties.conditions;
      expect(conditions['x-kubernetes-list-type']).toBe('map');
      expect(conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
      expect(conditions.items.required).toEqual(['status', 'type']);
      expect(conditions.items.properties.status.enum).toEqual(['True', 'False', 'Unknown']);
    }
  });

  test('models the ACME solver in issuers and challenges alike, keeping only core pod types whole', () => {
    const preserved = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const solvers = [
      ...['issuers.cert-manager.io', 'clusterissuers.cert-manager.io'].map(
        (name) => schemaOf(byName(name)).properties.spec.properties.acme.properties.solvers.items,
      ),
      schemaOf(byName('challenges.acme.cert-manager.io')).properties.spec.properties.solver,
    ];
    for (const solver of solvers) {
      expect(solver).toEqual(solvers[0]);
      expect(solver['x-kubernetes-preserve-unknown-fields']).toBeUndefined();
      const http01 = solver.properties.http01.properties;
      for (const pod of [http01.ingress, http01.gatewayHTTPRoute].map(
        (s) => s.properties.podTemplate.properties.spec.properties,
      )) {
        expect(pod.affinity).toEqual(preserved);
        expect(pod.resources).toEqual(preserved);
        expect(pod.securityContext).toEqual(preserved);
        expect(pod.tolerations).toEqual({
          type: 'array',
          items: preserved,
          'x-kubernetes-list-type': 'atomic',
        });
        // A list map keyed by name: the key is defaulted so that every item has one.
        expect(pod.imagePullSecrets).toEqual({
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string', default: '' } },
            'x-kubernetes-map-type': 'atomic',
          },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        });
      }
      // The external webhook solver's config is any JSON, untyped as upstream declares it.
      expect(solver.properties.dns01.properties.webhook.properties.config).toEqual({
        'x-kubernetes-preserve-unknown-fields': true,
      });
    }
    const certificate = schemaOf(byName('certificates.cert-manager.io')).properties.spec;
    expect(certificate.properties.dnsNames).toEqual({
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'atomic',
    });
    const request = schemaOf(byName('certificaterequests.cert-manager.io')).properties.spec;
    expect(request.properties.request).toEqual({ type: 'string', format: 'byte' });
    expect(request.properties.extra.additionalProperties).toEqual({
      type: 'array',
      items: { type: 'string' },
    });
  });
});
