import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { INamespace } from '../core/network';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  KATIB_APPS_LABELS,
  KATIB_APPS_NAMES,
  KATIB_UPSTREAM_COMPONENT_LABEL,
} from './private/apps-names';
import { KATIB_VERSION } from './versions';

/**
 * The example training images the trial templates run, as `components/controller/trial-templates.yaml`
 * pins them at v0.19.0 (by tag; upstream publishes no digests for them). They are listed in the
 * bill of materials when the templates are built.
 */
export const KATIB_TRIAL_TEMPLATE_IMAGES = {
  pytorchMnistCpu: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/pytorch-mnist-cpu',
    tag: KATIB_VERSION,
  },
  enasCnnCifar10Cpu: {
    registry: 'ghcr.io',
    repository: 'kubeflow/katib/enas-cnn-cifar10-cpu',
    tag: KATIB_VERSION,
  },
} as const satisfies Record<string, ImageRef>;

/** The ConfigMap keys of upstream's templates, which experiments name in `templatePath`. */
export type KatibTrialTemplateKey =
  'defaultTrialTemplate.yaml' | 'enasCPUTemplate' | 'pytorchJobTemplate';

/** The label the UI and the controller find template ConfigMaps by (`LabelTrialTemplateConfigMap*` in `consts/const.go`). */
export const KATIB_TRIAL_TEMPLATE_LABEL = {
  [KATIB_UPSTREAM_COMPONENT_LABEL]: 'trial-templates',
} as const;

interface TemplateFacts {
  readonly kind: 'Job' | 'PyTorchJob';
  readonly image: keyof typeof KATIB_TRIAL_TEMPLATE_IMAGES;
  readonly command: readonly string[];
}

const MNIST = ['python3', '/opt/pytorch-mnist/mnist.py', '--epochs=1'];
const SGD = ['--lr=${trialParameters.learningRate}', '--momentum=${trialParameters.momentum}'];

/**
 * Upstream's three templates (`components/controller/trial-templates.yaml` at v0.19.0): a Job
 * training MNIST with PyTorch, a Job for ENAS (its architecture and config arrive as JSON, inside
 * double quotes, as upstream's comment there requires), and a PyTorchJob (one master, two
 * workers) training MNIST.
 */
export const KATIB_TRIAL_TEMPLATES: Readonly<Record<KatibTrialTemplateKey, TemplateFacts>> = {
  'defaultTrialTemplate.yaml': {
    kind: 'Job',
    image: 'pytorchMnistCpu',
    command: [...MNIST, '--batch-size=16', ...SGD],
  },
  enasCPUTemplate: {
    kind: 'Job',
    image: 'enasCnnCifar10Cpu',
    command: [
      'python3',
      '-u',
      'RunTrial.py',
      '--num_epochs=1',
      '--architecture="${trialParameters.neuralNetworkArchitecture}"',
      '--nn_config="${trialParameters.neuralNetworkConfig}"',
    ],
  },
  pytorchJobTemplate: { kind: 'PyTorchJob', image: 'pytorchMnistCpu', command: [...MNIST, ...SGD] },
};

export interface KatibTrialTemplatesProps {
  /**
   * Katib's namespace (`kubeflow`): templates there are offered to every user of the UI without a
   * check (`getTrialTemplatesViewList` in `pkg/ui/v1beta1/util.go`).
   */
  readonly namespace: INamespace;
  /**
   * The templates to ship. `pytorchJobTemplate` needs the PyTorchJob kind (Kubeflow Training
   * Operator v1) among the controller's trial resources.
   * @default - all three of upstream's
   */
  readonly templates?: readonly KatibTrialTemplateKey[];
}

/**
 * Upstream's example trial templates, the ConfigMap `trial-templates` labelled
 * `katib.kubeflow.org/component: trial-templates`. The UI offers them as the "ConfigMap" source
 * of a new experiment and lets users edit them; without any such ConfigMap it disables that
 * source ("No Trial templates found") and users write the trial spec as YAML
 * (`pages/experiment-creation/trial-template` in the frontend), so Katib works without them.
 *
 * The templates run the example images of `KATIB_TRIAL_TEMPLATE_IMAGES` in tenant namespaces,
 * without resources or security contexts (upstream's): they suit a namespace at Pod Security
 * "baseline", as the platform's tenants are. The controller substitutes `${trialParameters.x}`
 * in the text, so the text keeps upstream's quoting.
 */
export class KatibTrialTemplates extends Construct {
  /** The keys shipped, in ConfigMap order. */
  public readonly templates: readonly KatibTrialTemplateKey[];
  /** The image references the templates name, after the registry mirror. */
  public readonly images: readonly string[];
  public readonly configMap: k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: KatibTrialTemplatesProps) {
    super(scope, id);
    const chosen =
      props.templates ?? (Object.keys(KATIB_TRIAL_TEMPLATES) as KatibTrialTemplateKey[]);
    const problems: string[] = [];
    chosen.forEach((key, i) => {
      if (!(key in KATIB_TRIAL_TEMPLATES)) {
        problems.push(
          propProblem(
            `templates[${i}]`,
            "is not one of upstream's templates",
            `"${key}"`,
            `Use ${Object.keys(KATIB_TRIAL_TEMPLATES).join(', ')}.`,
          ),
        );
      } else if (chosen.indexOf(key) !== i) {
        problems.push(
          propProblem(`templates[${i}]`, 'is listed twice', `"${key}"`, 'List it once.'),
        );
      }
    });
    if (chosen.length === 0) {
      problems.push(
        propProblem('templates', 'is empty', '[]', 'Leave the construct out to ship no templates.'),
      );
    }
    throwIfProblems('KatibTrialTemplates', problems);
    this.templates = [...chosen];

    const resolved = new Map<string, string>();
    const image = (key: keyof typeof KATIB_TRIAL_TEMPLATE_IMAGES): string => {
      const found = resolved.get(key) ?? resolveImage(this, KATIB_TRIAL_TEMPLATE_IMAGES[key]);
      resolved.set(key, found);
      return found;
    };
    const data = Object.fromEntries(
      this.templates.map((key) => {
        const t = KATIB_TRIAL_TEMPLATES[key];
        return [key, renderTemplate(t, image(t.image))];
      }),
    );
    this.images = [...new Set(resolved.values())];

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: {
        name: KATIB_APPS_NAMES.trialTemplates.configMap,
        namespace: props.namespace.name,
        labels: { ...KATIB_APPS_LABELS.labels('trial-templates'), ...KATIB_TRIAL_TEMPLATE_LABEL },
      },
      data,
    });
  }
}

/**
 * The template text. Every command item is a double-quoted YAML scalar (JSON escaping), which is
 * how upstream writes the ENAS arguments whose substituted values carry quotes.
 */
function renderTemplate(t: TemplateFacts, image: string): string {
  const container = (indent: string, name: string): string[] => [
    `${indent}- name: ${name}`,
    `${indent}  image: ${image}`,
    `${indent}  command:`,
    ...t.command.map((c) => `${indent}    - ${JSON.stringify(c)}`),
  ];
  if (t.kind === 'Job') {
    return [
      'apiVersion: batch/v1',
      'kind: Job',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      ...container('        ', 'training-container'),
      '      restartPolicy: Never',
    ].join('\n');
  }
  const replica = (role: string, replicas: number): string[] => [
    `    ${role}:`,
    `      replicas: ${replicas}`,
    '      restartPolicy: OnFailure',
    '      template:',
    '        spec:',
    '          containers:',
    ...container('            ', 'pytorch'),
  ];
  return [
    'apiVersion: kubeflow.org/v1',
    'kind: PyTorchJob',
    'spec:',
    '  pytorchReplicaSpecs:',
    ...replica('Master', 1),
    ...replica('Worker', 2),
  ].join('\n');
}
