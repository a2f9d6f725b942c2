import Ajv from 'ajv';
import { Chart, Testing } from 'cdk8s';
import { KatibCrds, KATIB_CRDS } from '../../../constructs/katib/crds';
import { Manifest, Objects } from '../../helpers';
import { CRD_CATEGORIES, CRD_FACTS, CRD_GROUP, CRD_VERSION, SAMPLE_EXPERIMENT } from './facts';

function synth(): Objects {
  const chart = new Chart(Testing.app(), 'Test');
  new KatibCrds(chart, 'Crds');
  return new Objects(Testing.synth(chart) as Manifest[]);
}

function schemaOf(objects: Objects, name: string): Manifest {
  return objects.find('CustomResourceDefinition', undefined, name).spec.versions[0].schema
    .openAPIV3Schema as Manifest;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('KatibCrds', () => {
  const objects = synth();

  it('declares exactly upstream three CRDs', () => {
    expect(
      objects
        .ofKind('CustomResourceDefinition')
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual(CRD_FACTS.map((f) => f.name).sort());
    expect(Object.keys(KATIB_CRDS)).toHaveLength(3);
  });

  it.each(CRD_FACTS)('$name has upstream identity', (f) => {
    const crd = objects.find('CustomResourceDefinition', undefined, f.name);
    expect(crd.spec.group).toBe(CRD_GROUP);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toEqual({
      kind: f.kind,
      listKind: `${f.kind}List`,
      plural: f.plural,
      singular: f.singular,
      categories: CRD_CATEGORIES,
    });
    expect(crd.spec.conversion).toBeUndefined();
    expect(crd.spec.versions).toHaveLength(1);
    const v = crd.spec.versions[0];
    expect([v.name, v.served, v.storage]).toEqual([CRD_VERSION, true, true]);
    expect(v.subresources).toEqual({ status: {} });
    expect(
      (v.additionalPrinterColumns as Manifest[]).map((c) => [c.name, c.type, c.jsonPath]),
    ).toEqual(f.columns);
  });

  it('keeps every status and the trial resource whole', () => {
    for (const f of CRD_FACTS) {
      expect(
        schemaOf(objects, f.name).properties.status['x-kubernetes-preserve-unknown-fields'],
      ).toBe(true);
    }
    const exp = schemaOf(objects, 'experiments.kubeflow.org').properties.spec.properties;
    expect(exp.trialTemplate.properties.trialSpec['x-kubernetes-preserve-unknown-fields']).toBe(
      true,
    );
    const trial = schemaOf(objects, 'trials.kubeflow.org').properties.spec.properties;
    expect(trial.runSpec['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });

  it('models the experiment fields with the enums the validator enforces', () => {
    const spec = schemaOf(objects, 'experiments.kubeflow.org').properties.spec.properties;
    expect(Object.keys(spec).sort()).toEqual(
      [
        'algorithm',
        'earlyStopping',
        'maxFailedTrialCount',
        'maxTrialCount',
        'metricsCollectorSpec',
        'nasConfig',
        'objective',
        'parallelTrialCount',
        'parameters',
        'resumePolicy',
        'trialTemplate',
      ].sort(),
    );
    expect(spec.objective.properties.type.enum).toEqual(['minimize', 'maximize']);
    expect(spec.parameters.items.properties.parameterType.enum).toEqual([
      'int',
      'double',
      'categorical',
      'discrete',
      'unknown',
    ]);
    expect(spec.parameters.items.properties.feasibleSpace.properties.min.type).toBe('string');
    expect(spec.metricsCollectorSpec.properties.collector.properties.kind.enum).toEqual([
      'StdOut',
      'File',
      'TensorFlowEvent',
      'PrometheusMetric',
      'Custom',
      'Push',
    ]);
    expect(spec.resumePolicy.enum).toEqual(['', 'Never', 'LongRunning', 'FromVolume']);
    expect(spec.parallelTrialCount).toEqual({ type: 'integer', format: 'int32' });
  });

  describe('validates Experiments with ajv', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // Kubernetes' numeric formats: ranges are the API server's business.
    for (const format of ['int32', 'int64', 'double']) ajv.addFormat(format, true);
    const validate = ajv.compile(schemaOf(objects, 'experiments.kubeflow.org') as object);

    it("accepts Kubeflow's test experiment", () => {
      expect([validate(SAMPLE_EXPERIMENT), validate.errors ?? []]).toEqual([true, []]);
    });

    it("rejects parameterType 'float'", () => {
      const bad = clone(SAMPLE_EXPERIMENT);
      (bad.spec.parameters[0] as { parameterType: string }).parameterType = 'float';
      expect(validate(bad)).toBe(false);
      expect(validate.errors?.map((e) => e.instancePath)).toContain(
        '/spec/parameters/0/parameterType',
      );
    });

    it('rejects a numeric bound, an unknown objective type and a bad collector kind', () => {
      const bad = clone(SAMPLE_EXPERIMENT) as unknown as Manifest;
      bad.spec.parameters[1].feasibleSpace.max = 0.9;
      bad.spec.objective.type = 'minimise';
      bad.spec.metricsCollectorSpec = { collector: { kind: 'Stdout' } };
      bad.spec.maxTrialCount = '2';
      expect(validate(bad)).toBe(false);
      expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual(
        [
          '/spec/maxTrialCount',
          '/spec/metricsCollectorSpec/collector/kind',
          '/spec/objective/type',
          '/spec/parameters/1/feasibleSpace/max',
        ].sort(),
      );
    });
  });
});
