import { POD_DEFAULT_CRD_FACTS, POD_DEFAULT_SCHEMA_FACTS } from './crd-facts';
import { Manifest, buildWebhook } from './helpers';
import { admissionProblems, applyDefaults, compareSchema, describeSchema } from './schema-facts';

const crd = buildWebhook()
  .objects()
  .find('CustomResourceDefinition', undefined, POD_DEFAULT_CRD_FACTS.name);
const schema: Manifest = crd.spec.versions[0].schema.openAPIV3Schema;
const fieldSet = (f: string) => f.split(' ').sort();

describe('PodDefault CRD against kubeflow/dashboard v2.0.0', () => {
  test('identity: group, names, scope, the one served and stored version with status', () => {
    expect(crd.spec.group).toBe(POD_DEFAULT_CRD_FACTS.group);
    expect(crd.spec.names).toEqual(POD_DEFAULT_CRD_FACTS.names);
    expect(crd.spec.scope).toBe(POD_DEFAULT_CRD_FACTS.scope);
    expect(
      crd.spec.versions.map((v: Manifest) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        subresources: v.subresources,
      })),
    ).toEqual(POD_DEFAULT_CRD_FACTS.versions);
    expect(crd.spec.conversion).toBeUndefined();
  });

  test("declares upstream's defaults, no more, no less", () => {
    const [ours, upstream] = compareSchema(schema, POD_DEFAULT_SCHEMA_FACTS).defaults;
    expect(ours).toEqual(upstream);
    expect(upstream).toHaveLength(POD_DEFAULT_CRD_FACTS.counts.default);
  });

  test("carries upstream's required lists (and no enum) wherever it models the schema", () => {
    const [ours, upstream] = compareSchema(schema, POD_DEFAULT_SCHEMA_FACTS).rules;
    expect(ours).toEqual(upstream);
    expect(describeSchema(schema).constraints.filter((c) => c[0] === 'enum')).toEqual([]);
  });

  test('models the fields of spec and its selector with their names', () => {
    const { fields } = describeSchema(schema);
    for (const [path, expected] of Object.entries(POD_DEFAULT_SCHEMA_FACTS.fields)) {
      expect([path, fieldSet(fields[path])]).toEqual([path, fieldSet(expected)]);
    }
    expect(schema.properties.spec.properties.selector['x-kubernetes-map-type']).toBe('atomic');
  });

  test('container ports merge by containerPort and protocol, as in a pod', () => {
    for (const list of ['initContainers', 'sidecars']) {
      const ports = schema.properties.spec.properties[list].items.properties.ports;
      expect(ports['x-kubernetes-list-type']).toBe('map');
      expect(ports['x-kubernetes-list-map-keys']).toEqual(['containerPort', 'protocol']);
    }
  });

  test("a PodDefault as Kubeflow's docs write it is admitted, nothing pruned, and defaulted", () => {
    const podDefault = {
      apiVersion: 'kubeflow.org/v1alpha1',
      kind: 'PodDefault',
      metadata: { name: 'add-gcp-secret', namespace: 'team-a' },
      spec: {
        desc: 'add gcp credential',
        selector: { matchLabels: { 'add-gcp-secret': 'true' } },
        env: [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/secret/gcp/user-gcp-sa.json' }],
        volumeMounts: [{ name: 'secret-volume', mountPath: '/secret/gcp' }],
        volumes: [{ name: 'secret-volume', secret: { secretName: 'user-gcp-sa' } }],
        sidecars: [
          { name: 'proxy', image: 'example.com/proxy:1', ports: [{ containerPort: 8080 }] },
        ],
      },
    };
    expect(admissionProblems(podDefault, schema)).toEqual([]);
    const defaulted = applyDefaults(podDefault, schema) as Manifest;
    expect(defaulted.spec.sidecars[0].ports[0]).toEqual({ containerPort: 8080, protocol: 'TCP' });
    expect(admissionProblems({ ...podDefault, spec: { desc: 'x' } }, schema)).toEqual([
      'spec: required field selector is missing',
    ]);
  });
});
