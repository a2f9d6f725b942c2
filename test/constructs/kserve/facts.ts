/**
 * Upstream facts of KServe v0.18.0 (kserve/kserve at the tag) and Kubeflow 26.03.1
 * (kubeflow/community-distribution f09f3eea, applications/kserve/kserve), written out by hand so
 * that a change in the constructs that departs from them fails a test.
 */

/** config/crd/full/serving.kserve.io_*.yaml: names, scope, version, subresources. */
export const CRD_FACTS = [
  {
    name: 'clusterservingruntimes.serving.kserve.io',
    kind: 'ClusterServingRuntime',
    shortNames: undefined,
    scope: 'Cluster',
    version: 'v1alpha1',
    status: false,
    columns: ['Disabled', 'ModelType', 'Containers', 'Age'],
  },
  {
    name: 'clusterstoragecontainers.serving.kserve.io',
    kind: 'ClusterStorageContainer',
    shortNames: undefined,
    scope: 'Cluster',
    version: 'v1alpha1',
    status: false,
    columns: [],
  },
  {
    name: 'inferencegraphs.serving.kserve.io',
    kind: 'InferenceGraph',
    shortNames: ['ig'],
    scope: 'Namespaced',
    version: 'v1alpha1',
    status: true,
    columns: ['URL', 'Ready', 'Age'],
  },
  {
    name: 'inferenceservices.serving.kserve.io',
    kind: 'InferenceService',
    shortNames: ['isvc'],
    scope: 'Namespaced',
    version: 'v1beta1',
    status: true,
    columns: [
      'URL',
      'Ready',
      'Prev',
      'Latest',
      'PrevRolledoutRevision',
      'LatestReadyRevision',
      'Age',
    ],
  },
  {
    name: 'servingruntimes.serving.kserve.io',
    kind: 'ServingRuntime',
    shortNames: undefined,
    scope: 'Namespaced',
    version: 'v1alpha1',
    status: false,
    columns: ['Disabled', 'ModelType', 'Containers', 'Age'],
  },
  {
    name: 'trainedmodels.serving.kserve.io',
    kind: 'TrainedModel',
    shortNames: ['tm'],
    scope: 'Namespaced',
    version: 'v1alpha1',
    status: true,
    columns: ['URL', 'Ready', 'Age'],
  },
] as const;

/** config/webhook/manifests.yaml: configuration name -> webhook name, path, rule resource. */
export const VALIDATING_WEBHOOKS = [
  [
    'inferenceservice.serving.kserve.io',
    'inferenceservice.kserve-webhook-server.validator',
    '/validate-serving-kserve-io-v1beta1-inferenceservice',
    'v1beta1',
    'inferenceservices',
  ],
  [
    'trainedmodel.serving.kserve.io',
    'trainedmodel.kserve-webhook-server.validator',
    '/validate-serving-kserve-io-v1alpha1-trainedmodel',
    'v1alpha1',
    'trainedmodels',
  ],
  [
    'inferencegraph.serving.kserve.io',
    'inferencegraph.kserve-webhook-server.validator',
    '/validate-serving-kserve-io-v1alpha1-inferencegraph',
    'v1alpha1',
    'inferencegraphs',
  ],
  [
    'clusterservingruntime.serving.kserve.io',
    'clusterservingruntime.kserve-webhook-server.validator',
    '/validate-serving-kserve-io-v1alpha1-clusterservingruntime',
    'v1alpha1',
    'clusterservingruntimes',
  ],
  [
    'servingruntime.serving.kserve.io',
    'servingruntime.kserve-webhook-server.validator',
    '/validate-serving-kserve-io-v1alpha1-servingruntime',
    'v1alpha1',
    'servingruntimes',
  ],
] as const;

/** Keys of the data section of config/configmap/inferenceservice.yaml (without `_example`). */
export const CONFIG_KEYS = [
  'agent',
  'autoscaler',
  'batcher',
  'credentials',
  'deploy',
  'explainers',
  'inferenceService',
  'ingress',
  'localModel',
  'logger',
  'metricsAggregator',
  'opentelemetryCollector',
  'router',
  'security',
  'storageInitializer',
];
