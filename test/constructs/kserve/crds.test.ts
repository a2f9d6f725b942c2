import {
  CustomResourceDefinition,
  ICustomResourceDefinition,
} from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { KSERVE_API_VERSIONS } from '../../../constructs/kserve';
import { admissionProblems } from '../poddefaults/schema-facts';
import { CRD_FACTS } from './facts';
import { Manifest, buildKServe } from './helpers';

const { objects, kserve } = buildKServe();
const crd = (name: string): Manifest => objects.find('CustomResourceDefinition', undefined, name);
const schemaOf = (name: string): Manifest => crd(name).spec.versions[0].schema.openAPIV3Schema;

describe('serving.kserve.io CRDs against kserve v0.18.0 (config/crd/full)', () => {
  test('exactly the six CRDs Kubeflow 26.03.1 installs for the controller', () => {
    expect(
      objects
        .ofKind('CustomResourceDefinition')
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(CRD_FACTS.map((f) => f.name));
    expect(kserve.crds?.types.inferenceServices.apiVersion).toBe(KSERVE_API_VERSIONS.v1beta1);
    expect(kserve.crds?.types.servingRuntimes.apiVersion).toBe('serving.kserve.io/v1alpha1');
  });

  test.each(CRD_FACTS.map((f) => [f.name, f] as const))(
    '%s: names, scope, one version stored, subresources, printer columns, no conversion',
    (name, f) => {
      const c = crd(name);
      const plural = name.split('.')[0];
      expect(c.spec.group).toBe('serving.kserve.io');
      expect(c.spec.names).toEqual({
        kind: f.kind,
        listKind: `${f.kind}List`,
        plural,
        singular: f.kind.toLowerCase(),
        ...(f.shortNames ? { shortNames: f.shortNames } : {}),
      });
      expect(c.spec.names.categories).toBeUndefined();
      expect(c.spec.scope).toBe(f.scope);
      expect(c.spec.conversion).toBeUndefined();
      expect(c.spec.versions).toHaveLength(1);
      const v = c.spec.versions[0];
      expect([v.name, v.served, v.storage]).toEqual([f.version, true, true]);
      expect(v.subresources?.status !== undefined).toBe(f.status);
      expect((v.additionalPrinterColumns ?? []).map((p: Manifest) => p.name)).toEqual(f.columns);
      expect(() =>
        new CustomResourceDefinition(c as ICustomResourceDefinition).validate(),
      ).not.toThrow();
    },
  );

  test('the InferenceService printer columns read traffic as upstream', () => {
    const cols = crd('inferenceservices.serving.kserve.io').spec.versions[0]
      .additionalPrinterColumns as Manifest[];
    expect(cols[2]).toEqual({
      jsonPath: ".status.components.predictor.traffic[?(@.tag=='prev')].percent",
      name: 'Prev',
      type: 'integer',
    });
  });

  describe('admission against the structural schemas', () => {
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'iris', namespace: 'team-a' },
      spec: {
        predictor: {
          minReplicas: 1,
          maxReplicas: 3,
          scaleTarget: 10,
          scaleMetric: 'concurrency',
          canaryTrafficPercent: 10,
          serviceAccountName: 'models',
          logger: { mode: 'all', url: 'http://sink' },
          nodeSelector: { gpu: 'true' },
          model: {
            modelFormat: { name: 'sklearn', version: '1' },
            runtime: 'kserve-sklearnserver',
            storageUri: 's3://models/iris',
            protocolVersion: 'v2',
            resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
          },
        },
        transformer: { containers: [{ name: 'kserve-container', image: 'example/t:1' }] },
      },
      status: { url: 'http://iris.example.com', conditions: [] },
    };
    const schema = schemaOf('inferenceservices.serving.kserve.io');

    test('an InferenceService as our constructs write it is admitted', () => {
      expect(admissionProblems(isvc, schema)).toEqual([]);
    });

    test('a wrong scaleMetric, a logger mode and a model format without name are refused', () => {
      const bad = {
        ...isvc,
        spec: {
          predictor: {
            ...isvc.spec.predictor,
            scaleMetric: 'gpu',
            logger: { mode: 'everything' },
            model: { ...isvc.spec.predictor.model, modelFormat: { version: '1' } },
          },
        },
      };
      const problems = admissionProblems(bad, schema).join('\n');
      expect(problems).toMatch(/scaleMetric/);
      expect(problems).toMatch(/mode/);
      expect(problems).toMatch(/name/);
    });

    test('an InferenceService without predictor is refused', () => {
      expect(admissionProblems({ ...isvc, spec: {} }, schema)).toEqual([
        'spec: required field predictor is missing',
      ]);
    });

    test('a ClusterServingRuntime as upstream ships it is admitted; a format without name is not', () => {
      const csr = {
        apiVersion: 'serving.kserve.io/v1alpha1',
        kind: 'ClusterServingRuntime',
        metadata: { name: 'kserve-sklearnserver' },
        spec: {
          annotations: { 'prometheus.kserve.io/port': '8080' },
          supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 1 }],
          protocolVersions: ['v1', 'v2'],
          containers: [{ name: 'kserve-container', image: 'kserve/sklearnserver:v0.18.0' }],
        },
      };
      const s = schemaOf('clusterservingruntimes.serving.kserve.io');
      expect(admissionProblems(csr, s)).toEqual([]);
      const bad = {
        ...csr,
        spec: { ...csr.spec, supportedModelFormats: [{ version: '1', priority: 0 }] },
      };
      expect(admissionProblems(bad, s)).toEqual([
        'spec.supportedModelFormats[0]: required field name is missing',
      ]);
    });
  });
});
