/**
 * Upstream facts, written down by hand from kubeflow/katib v0.19.0 (identical in
 * kubeflow/community-distribution `applications/katib/upstream`, the 26.03.1 release):
 * - `manifests/v1beta1/components/crd/{experiment,suggestion,trial}.yaml`;
 * - `manifests/v1beta1/components/controller/{controller,rbac,service}.yaml`;
 * - `manifests/v1beta1/components/webhook/webhooks.yaml`;
 * - `manifests/v1beta1/installs/katib-cert-manager/{certificate,katib-config,kustomization}.yaml`;
 * - `pkg/apis/config/v1beta1/{types,defaults}.go`, `pkg/controller.v1beta1/consts/const.go`,
 *   `pkg/webhook/v1beta1/webhook.go`, `pkg/apis/controller/*` (Go types and enums).
 */

/** Every CRD's identity. */
export const CRD_FACTS = [
  {
    name: 'experiments.kubeflow.org',
    kind: 'Experiment',
    plural: 'experiments',
    singular: 'experiment',
    columns: [
      ['Type', 'string', '.status.conditions[-1:].type'],
      ['Status', 'string', '.status.conditions[-1:].status'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ],
  },
  {
    name: 'suggestions.kubeflow.org',
    kind: 'Suggestion',
    plural: 'suggestions',
    singular: 'suggestion',
    columns: [
      ['Type', 'string', '.status.conditions[-1:].type'],
      ['Status', 'string', '.status.conditions[-1:].status'],
      ['Requested', 'string', '.spec.requests'],
      ['Assigned', 'string', '.status.suggestionCount'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ],
  },
  {
    name: 'trials.kubeflow.org',
    kind: 'Trial',
    plural: 'trials',
    singular: 'trial',
    columns: [
      ['Type', 'string', '.status.conditions[-1:].type'],
      ['Status', 'string', '.status.conditions[-1:].status'],
      ['Age', 'date', '.metadata.creationTimestamp'],
    ],
  },
] as const;
export const CRD_GROUP = 'kubeflow.org';
export const CRD_VERSION = 'v1beta1';
export const CRD_CATEGORIES = ['all', 'kubeflow', 'katib'];

/** `controller.yaml`. */
export const CONTROLLER_FACTS = {
  name: 'katib-controller',
  image: 'ghcr.io/kubeflow/katib/katib-controller:v0.19.0',
  command: ['./katib-controller'],
  args: ['--katib-config=/katib-config.yaml'],
  ports: [
    ['webhook', 8443],
    ['metrics', 8080],
    ['healthz', 18080],
  ],
  readiness: '/readyz',
  liveness: '/healthz',
  certMount: '/tmp/cert',
  certSecret: 'katib-webhook-cert',
  configMount: '/katib-config.yaml',
  configMap: 'katib-config',
  configKey: 'katib-config.yaml',
  runAsUser: 1000,
  podLabel: ['katib.kubeflow.org/component', 'controller'],
  sidecarInject: 'false',
} as const;

/** `service.yaml`: name, port, targetPort. */
export const SERVICE_PORTS = [
  ['webhook', 443, 8443],
  ['metrics', 8080, 8080],
  ['healthz', 18080, 18080],
] as const;

/** `webhooks.yaml`. */
export const WEBHOOK_FACTS = {
  configurationName: 'katib.kubeflow.org',
  validating: [['validator.experiment.katib.kubeflow.org', '/validate-experiment']],
  mutating: [
    ['defaulter.experiment.katib.kubeflow.org', '/mutate-experiment'],
    ['mutator.pod.katib.kubeflow.org', '/mutate-pod'],
  ],
  injectionLabel: ['katib.kubeflow.org/metrics-collector-injection', 'enabled'],
  matchCondition: 'request.userInfo.username != "system:serviceaccount:kubeflow:katib-controller"',
} as const;

/** `installs/katib-cert-manager/katib-config.yaml`: algorithm → image. */
export const CONFIG_SUGGESTIONS: readonly (readonly [string, string])[] = [
  ['random', 'ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0'],
  ['tpe', 'ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0'],
  ['grid', 'ghcr.io/kubeflow/katib/suggestion-optuna:v0.19.0'],
  ['hyperband', 'ghcr.io/kubeflow/katib/suggestion-hyperband:v0.19.0'],
  ['bayesianoptimization', 'ghcr.io/kubeflow/katib/suggestion-skopt:v0.19.0'],
  ['cmaes', 'ghcr.io/kubeflow/katib/suggestion-goptuna:v0.19.0'],
  ['sobol', 'ghcr.io/kubeflow/katib/suggestion-goptuna:v0.19.0'],
  ['multivariate-tpe', 'ghcr.io/kubeflow/katib/suggestion-optuna:v0.19.0'],
  ['enas', 'ghcr.io/kubeflow/katib/suggestion-enas:v0.19.0'],
  ['darts', 'ghcr.io/kubeflow/katib/suggestion-darts:v0.19.0'],
  ['pbt', 'ghcr.io/kubeflow/katib/suggestion-pbt:v0.19.0'],
];
export const CONFIG_EARLY_STOPPINGS = [
  ['medianstop', 'ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0'],
] as const;
export const CONFIG_COLLECTORS = [
  ['StdOut', 'ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0'],
  ['File', 'ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0'],
  ['TensorFlowEvent', 'ghcr.io/kubeflow/katib/tfevent-metrics-collector:v0.19.0'],
] as const;
export const CONFIG_TRIAL_RESOURCES = [
  'TrainJob.v1alpha1.trainer.kubeflow.org',
  'Job.v1.batch',
  'TFJob.v1.kubeflow.org',
  'PyTorchJob.v1.kubeflow.org',
  'MPIJob.v1.kubeflow.org',
  'XGBoostJob.v1.kubeflow.org',
];
/** `defaults.go`: what the controller fills in for a runtime container. */
export const CONFIG_DEFAULT_RESOURCES = {
  requests: { cpu: '50m', memory: '10Mi', 'ephemeral-storage': '500Mi' },
  limits: { cpu: '500m', memory: '100Mi', 'ephemeral-storage': '5Gi' },
};

/**
 * `rbac.yaml`: every rule as `group/resource: verbs` (sorted). The two cert-generator rules are
 * marked: we leave them out with cert-manager.
 */
export const UPSTREAM_RULES: Record<string, string> = {
  '/services': 'create delete get list watch',
  '/events': 'create patch update',
  '/serviceaccounts': 'create get list watch',
  '/persistentvolumes': 'create get list watch',
  '/persistentvolumeclaims': 'create get list watch',
  '/namespaces': 'get list watch',
  '/configmaps': 'get list watch',
  '/pods': 'get',
  '/pods/status': 'get',
  '/secrets': 'get list patch update watch',
  'apps/deployments': 'create delete get list watch',
  'rbac.authorization.k8s.io/roles': 'create get list watch',
  'rbac.authorization.k8s.io/rolebindings': 'create get list watch',
  'batch/jobs': 'create delete get list watch',
  'batch/cronjobs': 'create delete get list watch',
  'jobset.x-k8s.io/jobsets': 'get list watch',
  'trainer.kubeflow.org/trainjobs': 'create delete get list watch',
  'kubeflow.org/tfjobs': 'create delete get list watch',
  'kubeflow.org/pytorchjobs': 'create delete get list watch',
  'kubeflow.org/mpijobs': 'create delete get list watch',
  'kubeflow.org/xgboostjobs': 'create delete get list watch',
  'kubeflow.org/experiments': '*',
  'kubeflow.org/experiments/status': '*',
  'kubeflow.org/experiments/finalizers': '*',
  'kubeflow.org/trials': '*',
  'kubeflow.org/trials/status': '*',
  'kubeflow.org/trials/finalizers': '*',
  'kubeflow.org/suggestions': '*',
  'kubeflow.org/suggestions/status': '*',
  'kubeflow.org/suggestions/finalizers': '*',
  'admissionregistration.k8s.io/validatingwebhookconfigurations': 'get list patch update watch',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': 'get list patch update watch',
};
export const CERT_GENERATOR_ONLY = [
  '/secrets',
  'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations',
];

/** A grid experiment as Kubeflow's own test runs it (community-distribution `tests/katib_test.yaml`). */
export const SAMPLE_EXPERIMENT = {
  apiVersion: 'kubeflow.org/v1beta1',
  kind: 'Experiment',
  metadata: { namespace: 'kubeflow-user-example-com', name: 'grid' },
  spec: {
    objective: { type: 'minimize', goal: 0.1, objectiveMetricName: 'loss' },
    algorithm: { algorithmName: 'grid' },
    parallelTrialCount: 2,
    maxTrialCount: 2,
    maxFailedTrialCount: 2,
    parameters: [
      {
        name: 'lr',
        parameterType: 'double',
        feasibleSpace: { min: '0.01', step: '0.005', max: '0.05' },
      },
      {
        name: 'momentum',
        parameterType: 'double',
        feasibleSpace: { min: '0.5', step: '0.1', max: '0.9' },
      },
    ],
    trialTemplate: {
      primaryContainerName: 'training-container',
      trialParameters: [
        { name: 'learningRate', description: 'Learning rate', reference: 'lr' },
        { name: 'momentum', description: 'Momentum', reference: 'momentum' },
      ],
      trialSpec: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        spec: {
          template: {
            metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } },
            spec: {
              containers: [
                {
                  name: 'training-container',
                  image: 'ghcr.io/kubeflow/katib/pytorch-mnist-cpu:v0.19.0',
                  command: [
                    'python3',
                    '/opt/pytorch-mnist/mnist.py',
                    '--lr=${trialParameters.learningRate}',
                  ],
                },
              ],
              restartPolicy: 'Never',
            },
          },
        },
      },
    },
  },
};
