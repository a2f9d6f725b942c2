import { Chart, Testing } from 'cdk8s';
import { ISTIO_SECURITY_API_VERSION } from '../../../constructs/core/mesh-policy';
import { IstioCrds, istioApiVersion, istioCrd } from '../../../constructs/istio';
import { CRD_FACTS } from './crd-facts';
import { Manifest, objectsOfKind } from './helpers';

function synthCrds(): Manifest[] {
  const chart = new Chart(Testing.app(), 'crds');
  new IstioCrds(chart, 'Crds');
  return objectsOfKind(Testing.synth(chart), 'CustomResourceDefinition');
}

describe('Istio CRDs', () => {
  const crds = synthCrds();

  test('exactly the 15 CRDs of Istio 1.30.1, in upstream order', () => {
    expect(crds.map((c) => c.metadata.name)).toEqual(CRD_FACTS.map((f) => f.name));
  });

  test.each(CRD_FACTS)('$kind has the upstream identity', (fact) => {
    const crd = crds.find((c) => c.metadata.name === fact.name);
    const [plural, ...groupParts] = fact.name.split('.');
    const group = groupParts.join('.');
    expect(crd.spec.group).toBe(group);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: fact.kind,
      listKind: `${fact.kind}List`,
      plural,
      singular: fact.kind.toLowerCase(),
      ...(fact.shortNames.length ? { shortNames: fact.shortNames } : {}),
      categories: ['istio-io', group.replace(/\./g, '-')],
    });
    expect(crd.spec.versions.map((v: Manifest) => `${v.name}:${v.served}:${v.storage}`)).toEqual(
      fact.versions,
    );
    for (const version of crd.spec.versions) {
      expect(version.subresources).toEqual({ status: {} });
      expect(version.deprecated).toBeUndefined();
      const columns = (version.additionalPrinterColumns ?? []).map(
        (c: Manifest) => `${c.name}=${c.jsonPath}`,
      );
      expect(columns).toEqual(fact.columns);
      for (const c of version.additionalPrinterColumns ?? []) {
        expect(c.type).toBe(c.name === 'Age' ? 'date' : 'string');
      }
    }
  });

  test.each(CRD_FACTS)('$kind has a structural schema that prunes nothing', (fact) => {
    const crd = crds.find((c) => c.metadata.name === fact.name);
    for (const version of crd.spec.versions) {
      const schema = version.schema.openAPIV3Schema;
      expect(schema.type).toBe('object');
      expect(schema.required ?? []).toEqual(fact.topRequired ? ['spec'] : []);
      const { spec, status } = schema.properties;
      expect(spec.type).toBe('object');
      expect(spec['x-kubernetes-preserve-unknown-fields']).toBe(true);
      expect(spec.required ?? []).toEqual(fact.specRequired);
      for (const field of fact.specRequired) expect(spec.properties[field]).toBeDefined();
      expect(status).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    }
  });

  test('the enums that our own resources use are validated by the API server', () => {
    const pa = crds.find((c) => c.spec.names.kind === 'PeerAuthentication');
    expect(
      pa.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.mtls.properties.mode
        .enum,
    ).toEqual(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
    const ap = crds.find((c) => c.spec.names.kind === 'AuthorizationPolicy');
    expect(
      ap.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.action.enum,
    ).toEqual(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']);
  });

  test('custom resources are written in the storage version', () => {
    expect(istioApiVersion('Gateway')).toBe('networking.istio.io/v1');
    expect(istioApiVersion('TrafficExtension')).toBe('extensions.istio.io/v1alpha1');
    expect(istioApiVersion('PeerAuthentication')).toBe('security.istio.io/v1');
    expect(istioApiVersion('Telemetry')).toBe('telemetry.istio.io/v1alpha1');
    expect(() => istioCrd('Ingress')).toThrow(
      'Istio 1.30.1 defines no custom resource kind "Ingress".',
    );
  });

  test("the security API that components write their own mesh policy in is this release's", () => {
    for (const kind of ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']) {
      expect(istioApiVersion(kind)).toBe(ISTIO_SECURITY_API_VERSION);
    }
  });
});
