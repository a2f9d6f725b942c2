import { outputFiles } from '../../apps/cdk8s/output';
import { readEnvironment, renderEnv } from '../helpers';

describe('the Pipelines smoke script in the output', () => {
  test('is written, executable, when Pipelines is on, and targets the API server the output has', () => {
    const rendered = renderEnv(readEnvironment('stacks/dev.yaml'));
    const smoke = outputFiles(rendered).find((f) => f.name === 'smoke-pipelines.sh');
    expect(smoke?.mode).toBe(0o755);
    expect(smoke?.content).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(smoke?.content).toContain('svc/ml-pipeline');
    expect(
      rendered.layers
        .flatMap((l) => l.objects)
        .some(
          (o) =>
            o.kind === 'Service' &&
            o.metadata.namespace === 'kubeflow' &&
            o.metadata.name === 'ml-pipeline',
        ),
    ).toBe(true);
  });

  test('is left out without Pipelines', () => {
    const env = {
      ...readEnvironment('stacks/dev.yaml'),
      pipelines: { enabled: false },
      // Katib keeps its state in the platform database, which Pipelines offers.
      kubeflow: { katib: { enabled: false } },
    };
    expect(outputFiles(renderEnv(env)).map((f) => f.name)).not.toContain('smoke-pipelines.sh');
  });
});

describe('the serving smoke script in the output', () => {
  test("is written, executable, with serving on, for the store's bucket and the model service account", () => {
    const rendered = renderEnv(readEnvironment('stacks/dev.yaml'));
    const smoke = outputFiles(rendered).find((f) => f.name === 'smoke-serving.sh');
    expect(smoke?.mode).toBe(0o755);
    expect(rendered.objectStoreBucket).toBe('mlpipeline');
    expect(smoke?.content).toContain('s3://mlpipeline/private/<tenant>/smoke-serving/model.pmml');
    expect(smoke?.content).toContain('kserve-models');
    expect(smoke?.content).toContain('Tenants with model serving: team-demo.');
  });

  test('is left out without serving', () => {
    const env = { ...readEnvironment('stacks/dev.yaml'), serving: { enabled: false } };
    expect(outputFiles(renderEnv(env)).map((f) => f.name)).not.toContain('smoke-serving.sh');
  });
});

describe('the training smoke script in the output', () => {
  test('is written, executable, with Katib on, for the tenants Katib injects collectors into', () => {
    const rendered = renderEnv(readEnvironment('stacks/dev.yaml'));
    const smoke = outputFiles(rendered).find((f) => f.name === 'smoke-training.sh');
    expect(smoke?.mode).toBe(0o755);
    expect(smoke?.content).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(smoke?.content).toContain('"algorithmName": "random"');
    expect(smoke?.content).toContain('team-demo');
    // the trial runs the collector's image, which the platform already pins
    expect(rendered.images).toContain('ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0');
    expect(smoke?.content).toContain('ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0');
  });

  test('is left out without Katib', () => {
    const env = { ...readEnvironment('stacks/dev.yaml'), kubeflow: { katib: { enabled: false } } };
    expect(outputFiles(renderEnv(env)).map((f) => f.name)).not.toContain('smoke-training.sh');
  });
});
