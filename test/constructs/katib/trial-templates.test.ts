import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  KatibTrialTemplates,
  KatibTrialTemplatesProps,
} from '../../../constructs/katib/trial-templates';
import { FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';
import { KATIB_APPS_FACTS } from './facts-apps';

const NS = 'kubeflow';
const F = KATIB_APPS_FACTS.trialTemplates;

function build(
  props: Partial<KatibTrialTemplatesProps> = {},
  context: Record<string, string> = {},
) {
  const app = Testing.app();
  for (const [k, v] of Object.entries(context)) app.node.setContext(k, v);
  const chart = new Chart(app, 'Test');
  const templates = new KatibTrialTemplates(chart, 'Templates', {
    namespace: new FakeNamespace(NS),
    ...props,
  });
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const cm = objects.find('ConfigMap', NS, F.configMap);
  return { chart, templates, cm };
}

const built = build();
const data = built.cm.data as Record<string, string>;

describe('KatibTrialTemplates', () => {
  test('the ConfigMap the UI finds by label, with upstream keys', () => {
    expect(built.cm.metadata.labels).toMatchObject(F.label);
    expect(Object.keys(data)).toEqual(F.keys);
    expect(built.templates.templates).toEqual(F.keys);
  });

  test('every template image pinned and in the bill of materials', () => {
    expect(built.templates.images.slice().sort()).toEqual(F.images);
    const bom = BillOfMaterials.of(built.chart).images();
    for (const image of F.images) expect(bom).toContain(image);
  });

  test('default template: a Job training MNIST with the trial parameters', () => {
    const job = parse(data['defaultTrialTemplate.yaml']) as Manifest;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toEqual([
      {
        name: 'training-container',
        image: 'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
        command: [
          'python3',
          '/opt/pytorch-mnist/mnist.py',
          '--epochs=1',
          '--batch-size=16',
          '--lr=${trialParameters.learningRate}',
          '--momentum=${trialParameters.momentum}',
        ],
      },
    ]);
  });

  test('ENAS template keeps the quotes around JSON parameters, in upstream text form', () => {
    const text = data.enasCPUTemplate;
    expect(text).toContain('- "--architecture=\\"${trialParameters.neuralNetworkArchitecture}\\""');
    expect(text).toContain('- "--nn_config=\\"${trialParameters.neuralNetworkConfig}\\""');
    const job = parse(text) as Manifest;
    expect(job.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/kubeflow/katib/enas-cnn-cifar10-cpu:v0.19.0',
    );
    expect(job.spec.template.spec.containers[0].command).toEqual([
      'python3',
      '-u',
      'RunTrial.py',
      '--num_epochs=1',
      '--architecture="${trialParameters.neuralNetworkArchitecture}"',
      '--nn_config="${trialParameters.neuralNetworkConfig}"',
    ]);
  });

  test('PyTorchJob template: one master, two workers', () => {
    const job = parse(data.pytorchJobTemplate) as Manifest;
    expect(job.apiVersion).toBe('kubeflow.org/v1');
    expect(job.kind).toBe('PyTorchJob');
    const specs = job.spec.pytorchReplicaSpecs;
    expect(specs.Master.replicas).toBe(1);
    expect(specs.Worker.replicas).toBe(2);
    for (const role of ['Master', 'Worker']) {
      expect(specs[role].restartPolicy).toBe('OnFailure');
      const c = specs[role].template.spec.containers[0];
      expect(c.name).toBe('pytorch');
      expect(c.command).toEqual([
        'python3',
        '/opt/pytorch-mnist/mnist.py',
        '--epochs=1',
        '--lr=${trialParameters.learningRate}',
        '--momentum=${trialParameters.momentum}',
      ]);
    }
  });

  test('a registry mirror rewrites the template images', () => {
    const mirrored = build({}, { [REGISTRY_MIRROR_CONTEXT]: 'mirror.example.com' });
    const job = parse(mirrored.cm.data['defaultTrialTemplate.yaml'] as string) as Manifest;
    expect(job.spec.template.spec.containers[0].image).toBe(
      'mirror.example.com/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
    );
  });

  test('a subset of templates; problems at once', () => {
    const some = build({ templates: ['enasCPUTemplate'] });
    expect(Object.keys(some.cm.data as object)).toEqual(['enasCPUTemplate']);
    expect(some.templates.images).toEqual(['ghcr.io/kubeflow/katib/enas-cnn-cifar10-cpu:v0.19.0']);
    expect(() => build({ templates: [] })).toThrow(
      'KatibTrialTemplates: `templates` is empty (got []). Leave the construct out to ship no templates.',
    );
    expect(() => build({ templates: ['enasCPUTemplate', 'enasCPUTemplate'] })).toThrow(
      'KatibTrialTemplates: `templates[1]` is listed twice (got "enasCPUTemplate"). List it once.',
    );
  });
});
