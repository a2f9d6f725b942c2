import { CRD_SCHEMA_FACTS, CrdConstraint, UPSTREAM_CONSTRAINT_COUNTS } from './crd-constraints';
import { Manifest, buildCertManager } from './helpers';
import { describeSchema, schemaDifferences } from './schema-walk';

const crds = buildCertManager().objects().ofKind('CustomResourceDefinition');
const schemaOf = (name: string): Manifest => {
  const crd = crds.find((c) => c.metadata.name === name);
  if (!crd) throw new Error(`no CRD ${name}`);
  return crd.spec.versions[0].schema.openAPIV3Schema;
};
const NAMES = Object.keys(CRD_SCHEMA_FACTS);

const ofKind = (list: readonly CrdConstraint[], kind: CrdConstraint[0]) =>
  list
    .filter((c) => c[0] === kind)
    .map(([, path, value]) => [path, value])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** Every default upstream v1.20.2 declares (all inside ACME solvers), relative to the solver. */
const SOLVER_DEFAULTS = [
  ['http01.gatewayHTTPRoute.parentRefs[].group', 'gateway.networking.k8s.io'],
  ['http01.gatewayHTTPRoute.parentRefs[].kind', 'Gateway'],
  ['http01.gatewayHTTPRoute.podTemplate.spec.imagePullSecrets[].name', ''],
  ['http01.ingress.podTemplate.spec.imagePullSecrets[].name', ''],
];
const solverDefaults = (at: string) => SOLVER_DEFAULTS.map(([p, v]) => [`${at}.${p}`, v]);

describe('cert-manager CRD schemas against upstream v1.20.2, path by path', () => {
  test('cover the six CRDs', () => {
    expect(crds.map((c) => c.metadata.name).sort()).toEqual([...NAMES].sort());
  });

  test('the fact tables hold the number of constraints counted in the upstream files', () => {
    for (const name of NAMES) {
      const facts = CRD_SCHEMA_FACTS[name].constraints;
      const count = (kind: CrdConstraint[0]) => facts.filter((c) => c[0] === kind).length;
      expect([name, count('default'), count('enum'), count('required')]).toEqual([
        name,
        ...UPSTREAM_CONSTRAINT_COUNTS[name],
      ]);
    }
  });

  test('upstream declares twelve defaults, all inside ACME solvers; we declare exactly those', () => {
    const expected: Record<string, unknown[][]> = {
      'certificates.cert-manager.io': [],
      'certificaterequests.cert-manager.io': [],
      'issuers.cert-manager.io': solverDefaults('spec.acme.solvers[]'),
      'clusterissuers.cert-manager.io': solverDefaults('spec.acme.solvers[]'),
      'orders.acme.cert-manager.io': [],
      'challenges.acme.cert-manager.io': solverDefaults('spec.solver'),
    };
    for (const name of NAMES) {
      expect([name, ofKind(CRD_SCHEMA_FACTS[name].constraints, 'default')]).toEqual([
        name,
        expected[name],
      ]);
      expect([name, ofKind(describeSchema(schemaOf(name)).constraints, 'default')]).toEqual([
        name,
        expected[name],
      ]);
    }
    expect(Object.values(expected).flat()).toHaveLength(12);
  });

  describe.each(NAMES)('%s', (name) => {
    const facts = CRD_SCHEMA_FACTS[name];
    const ours = describeSchema(schemaOf(name));
    const modelled = (c: CrdConstraint) =>
      !facts.preserved.some((p) => c[1] === p || c[1].startsWith(`${p}.`));

    test('declares upstream defaults, no more, no less', () => {
      expect(ofKind(ours.constraints, 'default')).toEqual(ofKind(facts.constraints, 'default'));
    });

    test("carries upstream's enums, in upstream's order, wherever it models the schema", () => {
      expect(ofKind(ours.constraints, 'enum')).toEqual(
        ofKind(facts.constraints.filter(modelled), 'enum'),
      );
    });

    test("carries upstream's required lists wherever it models the schema", () => {
      const sorted = (list: readonly CrdConstraint[]) =>
        ofKind(list, 'required').map(([p, v]) => [p, [...(v as string[])].sort()]);
      expect(sorted(ours.constraints)).toEqual(sorted(facts.constraints.filter(modelled)));
    });

    test("models every upstream field with upstream's type, so that the API server prunes nothing", () => {
      expect(ours.fields).toEqual(facts.fields);
    });

    test('keeps whole only the Kubernetes core types of solver pod templates', () => {
      expect([...ours.preserved].sort()).toEqual([...facts.preserved].sort());
      // What that leaves to the API server's pod validation instead of the CRD's.
      const unenforced = facts.constraints.filter((c) => !modelled(c));
      expect(unenforced).toHaveLength(facts.preserved.length > 0 ? 2 * 22 : 0);
      expect(unenforced.every((c) => c[0] === 'required')).toBe(true);
      expect(
        unenforced.every((c) => /podTemplate\.spec\.(affinity|securityContext)/.test(c[1])),
      ).toBe(true);
    });

    test('has no difference from upstream at all', () => {
      expect(schemaDifferences(schemaOf(name), facts)).toEqual([]);
    });
  });
});

describe('the comparison fails when a schema drifts from upstream', () => {
  const name = 'issuers.cert-manager.io';
  const facts = CRD_SCHEMA_FACTS[name];
  const mutated = (change: (spec: Manifest) => void): string[] => {
    const schema = structuredClone(schemaOf(name));
    change(schema.properties.spec);
    return schemaDifferences(schema, facts);
  };
  const solver = (spec: Manifest): Manifest => spec.properties.acme.properties.solvers.items;
  const parentRef = (spec: Manifest): Manifest =>
    solver(spec).properties.http01.properties.gatewayHTTPRoute.properties.parentRefs.items;

  test('a default dropped', () => {
    expect(
      mutated((spec) => {
        delete parentRef(spec).properties.kind.default;
      }),
    ).toEqual([
      'default: missing default spec.acme.solvers[].http01.gatewayHTTPRoute.parentRefs[].kind (upstream "Gateway")',
    ]);
  });

  test('a default added, such as the issuerRef defaults upstream reverted in v1.20', () => {
    const schema = structuredClone(schemaOf('certificates.cert-manager.io'));
    schema.properties.spec.properties.issuerRef.properties.kind.default = 'Issuer';
    expect(schemaDifferences(schema, CRD_SCHEMA_FACTS['certificates.cert-manager.io'])).toEqual([
      'default: default spec.issuerRef.kind = "Issuer" is not upstream\'s',
    ]);
  });

  test('a default with another value', () => {
    expect(
      mutated((spec) => {
        parentRef(spec).properties.group.default = 'networking.istio.io';
      }),
    ).toEqual([
      'default: default spec.acme.solvers[].http01.gatewayHTTPRoute.parentRefs[].group is "networking.istio.io", upstream "gateway.networking.k8s.io"',
    ]);
  });

  test('an enum value missing, or a required list changed', () => {
    expect(
      mutated((spec) => {
        solver(spec).properties.dns01.properties.azureDNS.properties.zoneType.enum = [
          'AzurePublicZone',
        ];
        spec.properties.acme.required = ['server'];
      }),
    ).toEqual([
      'enum/required: required spec.acme is ["server"], upstream ["privateKeySecretRef","server"]',
      'enum/required: enum spec.acme.solvers[].dns01.azureDNS.zoneType is ["AzurePublicZone"], upstream ["AzurePublicZone","AzurePrivateZone"]',
    ]);
  });

  test('a subtree preserved instead of modelled: its defaults and fields go missing', () => {
    const problems = mutated((spec) => {
      solver(spec).properties.http01 = {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
      };
    });
    expect(problems).toContain(
      'default: missing default spec.acme.solvers[].http01.ingress.podTemplate.spec.imagePullSecrets[].name (upstream "")',
    );
    expect(problems).toContain(
      'fields: missing spec.acme.solvers[].http01 (upstream "gatewayHTTPRoute:object ingress:object")',
    );
    expect(problems[problems.length - 1]).toMatch(
      /^preserved: we keep .*spec\.acme\.solvers\[\]\.http01"/,
    );
  });

  test('a field dropped (it would be pruned) or typed differently', () => {
    expect(
      mutated((spec) => {
        delete solver(spec).properties.dns01.properties.azureDNS.properties.zoneType;
        parentRef(spec).properties.port = { type: 'string' };
      }),
    ).toEqual([
      'enum/required: missing enum spec.acme.solvers[].dns01.azureDNS.zoneType (upstream ["AzurePublicZone","AzurePrivateZone"])',
      'fields: spec.acme.solvers[].dns01.azureDNS is "clientID:string clientSecretSecretRef:object environment:string hostedZoneName:string managedIdentity:object resourceGroupName:string subscriptionID:string tenantID:string", upstream "clientID:string clientSecretSecretRef:object environment:string hostedZoneName:string managedIdentity:object resourceGroupName:string subscriptionID:string tenantID:string zoneType:string"',
      'fields: spec.acme.solvers[].http01.gatewayHTTPRoute.parentRefs[] is "group:string kind:string name:string namespace:string port:string sectionName:string", upstream "group:string kind:string name:string namespace:string port:integer/int32 sectionName:string"',
    ]);
  });
});
