import {
  admissionProblems,
  applyDefaults,
  compareSchema,
  describeSchema,
} from '../poddefaults/schema-facts';
import { NOTEBOOK_CRD_FACTS, NOTEBOOK_SCHEMA_FACTS } from './crd-facts';
import { Manifest, buildNotebooks } from './helpers';

const crd = buildNotebooks()
  .objects()
  .find('CustomResourceDefinition', undefined, NOTEBOOK_CRD_FACTS.name);
const fieldSet = (f: string) => f.split(' ').sort();

describe('Notebook CRD against kubeflow/notebooks v1.11.0', () => {
  test('identity: group, names, scope, conversion, versions with v1 stored and status', () => {
    expect(crd.spec.group).toBe(NOTEBOOK_CRD_FACTS.group);
    expect(crd.spec.names).toEqual(NOTEBOOK_CRD_FACTS.names);
    expect(crd.spec.scope).toBe(NOTEBOOK_CRD_FACTS.scope);
    expect(crd.spec.conversion).toEqual(NOTEBOOK_CRD_FACTS.conversion);
    expect(
      crd.spec.versions.map((v: Manifest) => ({
        name: v.name,
        served: v.served,
        storage: v.storage,
        subresources: v.subresources,
      })),
    ).toEqual(NOTEBOOK_CRD_FACTS.versions);
  });

  describe.each(NOTEBOOK_CRD_FACTS.versions.map((v) => v.name))('version %s', (version) => {
    const schema: Manifest = crd.spec.versions.find((v: Manifest) => v.name === version).schema
      .openAPIV3Schema;

    test("declares upstream's defaults, no more, no less", () => {
      const [ours, upstream] = compareSchema(schema, NOTEBOOK_SCHEMA_FACTS).defaults;
      expect(ours).toEqual(upstream);
      expect(upstream).toHaveLength(NOTEBOOK_CRD_FACTS.counts.default);
    });

    test("carries upstream's required lists (and no enum) where it models the schema", () => {
      const [ours, upstream] = compareSchema(schema, NOTEBOOK_SCHEMA_FACTS).rules;
      expect(ours).toEqual(upstream);
      expect(describeSchema(schema).constraints.filter((c) => c[0] === 'enum')).toEqual([]);
    });

    test('models the fields upstream has there', () => {
      const { fields } = describeSchema(schema);
      for (const [path, expected] of Object.entries(NOTEBOOK_SCHEMA_FACTS.fields)) {
        expect([path, fieldSet(fields[path])]).toEqual([path, fieldSet(expected)]);
      }
      const containers =
        schema.properties.spec.properties.template.properties.spec.properties.containers;
      expect(containers.minItems).toBe(1);
    });
  });

  test('a notebook as the Jupyter web app creates it is admitted and defaulted; no container is refused', () => {
    const schema: Manifest = crd.spec.versions[0].schema.openAPIV3Schema;
    const notebook = {
      apiVersion: 'kubeflow.org/v1',
      kind: 'Notebook',
      metadata: { name: 'nb', namespace: 'team-a' },
      spec: {
        template: {
          spec: {
            serviceAccountName: 'default-editor',
            containers: [
              {
                name: 'nb',
                image: 'ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.11.0',
                ports: [{ containerPort: 8888, name: 'notebook-port' }],
                resources: { requests: { cpu: '0.5', memory: '1Gi' } },
              },
            ],
            volumes: [{ name: 'ws', persistentVolumeClaim: { claimName: 'nb-workspace' } }],
          },
        },
      },
    };
    expect(admissionProblems(notebook, schema)).toEqual([]);
    const defaulted = applyDefaults(notebook, schema) as Manifest;
    expect(defaulted.spec.template.spec.containers[0].ports[0].protocol).toBe('TCP');
    const noImage = structuredClone(notebook);
    delete (noImage.spec.template.spec.containers[0] as { image?: string }).image;
    expect(admissionProblems(noImage, schema)).toEqual([
      'spec.template.spec.containers[0]: required field image is missing',
    ]);
  });
});
