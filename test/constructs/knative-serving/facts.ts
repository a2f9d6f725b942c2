/**
 * Upstream facts of Knative Serving 1.22.0 core, read from the release YAML that Kubeflow 26.03.1
 * vendors (kubeflow/community-distribution f09f3eea, common/knative/knative-serving/base/upstream/
 * serving-core.yaml) and from knative/serving at knative-v1.22.0 (config/core/**). Written out
 * here so that a test fails when the construct drifts from them.
 */
export const IMAGE_FACTS = {
  activator:
    'gcr.io/knative-releases/knative.dev/serving/cmd/activator@sha256:8f7e9df2642a8ba715ebc55b62abee17b0984b6b6af0c6ec00dabaadf5f8cccb',
  autoscaler:
    'gcr.io/knative-releases/knative.dev/serving/cmd/autoscaler@sha256:ec66d97244395b57a67923d4a8c5a95f0264805f1fdb2ee0cdb49ec0f3bd7855',
  controller:
    'gcr.io/knative-releases/knative.dev/serving/cmd/controller@sha256:6833f2c83e9f356c274ddb2de40e5471ad2b1c08882c9bd11f5afa240e86d574',
  webhook:
    'gcr.io/knative-releases/knative.dev/serving/cmd/webhook@sha256:c505888f7ee34ccadc1b9a6877d6d49691f633ea28cf8cbe03fcfa6d3afcd584',
  queueProxy:
    'gcr.io/knative-releases/knative.dev/serving/cmd/queue@sha256:371c23206b7bd924474b07e51435198579133eb98fba27a5cb3db9e6ba63b06b',
} as const;

/** config/core/deployments/*.yaml: container ports (name, port), probes, SA, selector. */
export const DEPLOYMENT_FACTS = {
  activator: {
    serviceAccount: 'activator',
    selector: { app: 'activator', role: 'activator' },
    ports: [
      ['metrics', 9090],
      ['profiling', 8008],
      ['http1', 8012],
      ['h2c', 8013],
    ],
    env: [
      'GOGC',
      'POD_NAME',
      'POD_IP',
      'SYSTEM_NAMESPACE',
      'CONFIG_LOGGING_NAME',
      'CONFIG_OBSERVABILITY_NAME',
    ],
    readiness: { httpGet: { port: 8012 }, periodSeconds: 5, failureThreshold: 5 },
    liveness: {
      httpGet: { port: 8012 },
      periodSeconds: 10,
      failureThreshold: 12,
      initialDelaySeconds: 15,
    },
    terminationGracePeriodSeconds: 600,
    resources: { requests: { cpu: '300m', memory: '60Mi' }, limits: { cpu: '1', memory: '600Mi' } },
  },
  autoscaler: {
    serviceAccount: 'controller',
    selector: { app: 'autoscaler' },
    ports: [
      ['metrics', 9090],
      ['profiling', 8008],
      ['websocket', 8080],
    ],
    env: [
      'POD_NAME',
      'POD_IP',
      'SYSTEM_NAMESPACE',
      'CONFIG_LOGGING_NAME',
      'CONFIG_OBSERVABILITY_NAME',
    ],
    readiness: { httpGet: { port: 8080 } },
    liveness: { httpGet: { port: 8080 }, failureThreshold: 6 },
    terminationGracePeriodSeconds: undefined,
    resources: {
      requests: { cpu: '100m', memory: '100Mi' },
      limits: { cpu: '1', memory: '1000Mi' },
    },
  },
  controller: {
    serviceAccount: 'controller',
    selector: { app: 'controller' },
    ports: [
      ['metrics', 9090],
      ['profiling', 8008],
      ['probes', 8080],
    ],
    env: ['POD_NAME', 'SYSTEM_NAMESPACE', 'CONFIG_LOGGING_NAME', 'CONFIG_OBSERVABILITY_NAME'],
    readiness: {
      httpGet: { path: '/readiness', port: 'probes', scheme: 'HTTP' },
      periodSeconds: 5,
      failureThreshold: 3,
    },
    liveness: {
      httpGet: { path: '/health', port: 'probes', scheme: 'HTTP' },
      periodSeconds: 5,
      failureThreshold: 6,
    },
    terminationGracePeriodSeconds: undefined,
    resources: {
      requests: { cpu: '100m', memory: '100Mi' },
      limits: { cpu: '1', memory: '1000Mi' },
    },
  },
  webhook: {
    serviceAccount: 'controller',
    selector: { app: 'webhook', role: 'webhook' },
    ports: [
      ['metrics', 9090],
      ['profiling', 8008],
      ['https-webhook', 8443],
    ],
    env: [
      'POD_NAME',
      'SYSTEM_NAMESPACE',
      'CONFIG_LOGGING_NAME',
      'CONFIG_OBSERVABILITY_NAME',
      'WEBHOOK_NAME',
      'WEBHOOK_PORT',
    ],
    readiness: { periodSeconds: 1, httpGet: { scheme: 'HTTPS', port: 8443 } },
    liveness: {
      periodSeconds: 10,
      httpGet: { scheme: 'HTTPS', port: 8443 },
      failureThreshold: 6,
      initialDelaySeconds: 20,
    },
    terminationGracePeriodSeconds: 300,
    resources: {
      requests: { cpu: '100m', memory: '100Mi' },
      limits: { cpu: '500m', memory: '500Mi' },
    },
  },
} as const;

/** Services: name and [port name, port, targetPort]. */
export const SERVICE_FACTS = {
  activator: {
    name: 'activator-service',
    ports: [
      ['http-metrics', 9090, 9090],
      ['http-profiling', 8008, 8008],
      ['http', 80, 8012],
      ['http2', 81, 8013],
      // upstream also has ['https', 443, 8112], which serves only with system-internal-tls
      // (off here): left out, as no container port backs it
    ],
  },
  autoscaler: {
    name: 'autoscaler',
    ports: [
      ['http-metrics', 9090, 9090],
      ['http-profiling', 8008, 8008],
      ['http', 8080, 8080],
    ],
  },
  controller: {
    name: 'controller',
    ports: [
      ['http-metrics', 9090, 9090],
      ['http-profiling', 8008, 8008],
    ],
  },
  webhook: {
    name: 'webhook',
    ports: [
      ['http-metrics', 9090, 9090],
      ['http-profiling', 8008, 8008],
      ['https-webhook', 443, 8443],
    ],
  },
} as const;

/** CRD identity: name -> [kind, version, scope, shortNames, categories]. */
export const CRD_FACTS: Record<string, [string, string, string, string[], string[]]> = {
  'services.serving.knative.dev': [
    'Service',
    'v1',
    'Namespaced',
    ['kservice', 'ksvc'],
    ['all', 'knative', 'serving'],
  ],
  'configurations.serving.knative.dev': [
    'Configuration',
    'v1',
    'Namespaced',
    ['config', 'cfg'],
    ['all', 'knative', 'serving'],
  ],
  'revisions.serving.knative.dev': [
    'Revision',
    'v1',
    'Namespaced',
    ['rev'],
    ['all', 'knative', 'serving'],
  ],
  'routes.serving.knative.dev': [
    'Route',
    'v1',
    'Namespaced',
    ['rt'],
    ['all', 'knative', 'serving'],
  ],
  'domainmappings.serving.knative.dev': [
    'DomainMapping',
    'v1beta1',
    'Namespaced',
    ['dm'],
    ['all', 'knative', 'serving'],
  ],
  'podautoscalers.autoscaling.internal.knative.dev': [
    'PodAutoscaler',
    'v1alpha1',
    'Namespaced',
    ['kpa', 'pa'],
    ['knative-internal', 'autoscaling'],
  ],
  'metrics.autoscaling.internal.knative.dev': [
    'Metric',
    'v1alpha1',
    'Namespaced',
    [],
    ['knative-internal', 'autoscaling'],
  ],
  'certificates.networking.internal.knative.dev': [
    'Certificate',
    'v1alpha1',
    'Namespaced',
    ['kcert'],
    ['knative-internal', 'networking'],
  ],
  'clusterdomainclaims.networking.internal.knative.dev': [
    'ClusterDomainClaim',
    'v1alpha1',
    'Cluster',
    ['cdc'],
    ['knative-internal', 'networking'],
  ],
  'ingresses.networking.internal.knative.dev': [
    'Ingress',
    'v1alpha1',
    'Namespaced',
    ['kingress', 'king'],
    ['knative-internal', 'networking'],
  ],
  'serverlessservices.networking.internal.knative.dev': [
    'ServerlessService',
    'v1alpha1',
    'Namespaced',
    ['sks'],
    ['knative-internal', 'networking'],
  ],
  'images.caching.internal.knative.dev': [
    'Image',
    'v1alpha1',
    'Namespaced',
    [],
    ['knative-internal', 'caching'],
  ],
};

/** The resources both admission webhooks list (config/core/webhooks/*.yaml). */
export const WEBHOOK_RESOURCES = [
  'metrics',
  'podautoscalers',
  'certificates',
  'ingresses',
  'serverlessservices',
  'configurations',
  'revisions',
  'routes',
  'services',
  'domainmappings',
  'domainmappings/status',
];
