/**
 * Upstream facts, written down by hand from the files at their tags:
 * - argoproj/argo-workflows v3.7.3: `manifests/base/crds/minimal/*`,
 *   `manifests/base/workflow-controller/*`,
 *   `manifests/cluster-install-no-crds/workflow-controller-rbac/*`, `config/config.go`,
 *   `cmd/workflow-controller/main.go`, `pkg/apis/workflow/v1alpha1/*`, `Dockerfile`;
 * - kubeflow/pipelines 2.16.1: `manifests/kustomize/third-party/argo/**` (identical in
 *   kubeflow/manifests release-26.03 `applications/pipeline/upstream/third-party/argo`).
 */
import { SchemaFacts } from '../poddefaults/schema-facts';

/** Every CRD's identity, as in `manifests/base/crds/minimal` (the same in `full`). */
export const CRD_FACTS = [
  {
    name: 'clusterworkflowtemplates.argoproj.io',
    names: {
      kind: 'ClusterWorkflowTemplate',
      listKind: 'ClusterWorkflowTemplateList',
      plural: 'clusterworkflowtemplates',
      shortNames: ['clusterwftmpl', 'cwft'],
      singular: 'clusterworkflowtemplate',
    },
    scope: 'Cluster',
    version: { name: 'v1alpha1', served: true, storage: true },
  },
  {
    name: 'cronworkflows.argoproj.io',
    names: {
      kind: 'CronWorkflow',
      listKind: 'CronWorkflowList',
      plural: 'cronworkflows',
      shortNames: ['cwf', 'cronwf'],
      singular: 'cronworkflow',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true },
  },
  {
    name: 'workflowartifactgctasks.argoproj.io',
    names: {
      kind: 'WorkflowArtifactGCTask',
      listKind: 'WorkflowArtifactGCTaskList',
      plural: 'workflowartifactgctasks',
      shortNames: ['wfat'],
      singular: 'workflowartifactgctask',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } },
  },
  {
    name: 'workfloweventbindings.argoproj.io',
    names: {
      kind: 'WorkflowEventBinding',
      listKind: 'WorkflowEventBindingList',
      plural: 'workfloweventbindings',
      shortNames: ['wfeb'],
      singular: 'workfloweventbinding',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true },
  },
  {
    name: 'workflows.argoproj.io',
    names: {
      kind: 'Workflow',
      listKind: 'WorkflowList',
      plural: 'workflows',
      shortNames: ['wf'],
      singular: 'workflow',
    },
    scope: 'Namespaced',
    // Upstream writes `subresources: {}`, which is no subresource.
    version: {
      additionalPrinterColumns: [
        {
          description: 'Status of the workflow',
          jsonPath: '.status.phase',
          name: 'Status',
          type: 'string',
        },
        {
          description: 'When the workflow was started',
          format: 'date-time',
          jsonPath: '.status.startedAt',
          name: 'Age',
          type: 'date',
        },
        {
          description:
            'Human readable message indicating details about why the workflow is in this condition.',
          jsonPath: '.status.message',
          name: 'Message',
          type: 'string',
        },
      ],
      name: 'v1alpha1',
      served: true,
      storage: true,
    },
  },
  {
    name: 'workflowtaskresults.argoproj.io',
    names: {
      kind: 'WorkflowTaskResult',
      listKind: 'WorkflowTaskResultList',
      plural: 'workflowtaskresults',
      singular: 'workflowtaskresult',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true },
  },
  {
    name: 'workflowtasksets.argoproj.io',
    names: {
      kind: 'WorkflowTaskSet',
      listKind: 'WorkflowTaskSetList',
      plural: 'workflowtasksets',
      shortNames: ['wfts'],
      singular: 'workflowtaskset',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } },
  },
  {
    name: 'workflowtemplates.argoproj.io',
    names: {
      kind: 'WorkflowTemplate',
      listKind: 'WorkflowTemplateList',
      plural: 'workflowtemplates',
      shortNames: ['wftmpl'],
      singular: 'workflowtemplate',
    },
    scope: 'Namespaced',
    version: { name: 'v1alpha1', served: true, storage: true },
  },
] as const;

const atomic = {
  type: 'object',
  'x-kubernetes-map-type': 'atomic',
  'x-kubernetes-preserve-unknown-fields': true,
};
const minimal = (withStatus: boolean) => ({
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: atomic,
    ...(withStatus ? { status: atomic } : {}),
  },
  required: ['metadata', 'spec'],
  type: 'object',
});

/** The whole `openAPIV3Schema` of the five CRDs that keep spec and status whole upstream. */
export const MINIMAL_SCHEMAS: Readonly<Record<string, unknown>> = {
  'clusterworkflowtemplates.argoproj.io': minimal(false),
  'cronworkflows.argoproj.io': minimal(true),
  'workflows.argoproj.io': minimal(true),
  'workflowtasksets.argoproj.io': minimal(true),
  'workflowtemplates.argoproj.io': minimal(false),
};

/** What upstream's generated schema has below the subtrees we keep whole. */
export interface KeptWholeFacts {
  /** Every default there is `name: ""` of a Secret or ConfigMap key selector (Go's zero value). */
  readonly emptyNameDefaults: number;
  /** `artifactGC.strategy` of each artifact. */
  readonly enums: number;
}

const ARTIFACT_REQUIRED = ['name'];
const PARAMETER_FIELDS = 'default description enum globalName name value valueFrom';

/**
 * The three CRDs generated in full even in `minimal`: the structure and required lists down to
 * each artifact and parameter, and counts of what lies below (`keptWhole`).
 */
export const GENERATED_SCHEMAS: Readonly<
  Record<string, { facts: SchemaFacts; below: KeptWholeFacts }>
> = {
  'workfloweventbindings.argoproj.io': {
    facts: {
      defaults: [],
      rules: [
        ['required', '<root>', ['metadata', 'spec']],
        ['required', 'spec', ['event']],
        ['required', 'spec.event', ['selector']],
        ['required', 'spec.submit', ['workflowTemplateRef']],
        ['required', 'spec.submit.arguments.artifacts[]', ARTIFACT_REQUIRED],
        ['required', 'spec.submit.arguments.parameters[]', ['name']],
      ],
      keptWhole: [
        'spec.submit.arguments.artifacts[]',
        'spec.submit.arguments.parameters[].valueFrom',
      ],
      fields: {
        '<root>': 'apiVersion kind metadata spec',
        spec: 'event submit',
        'spec.event': 'selector',
        'spec.submit': 'arguments metadata workflowTemplateRef',
        'spec.submit.arguments': 'artifacts parameters',
        'spec.submit.arguments.parameters[]': PARAMETER_FIELDS,
        'spec.submit.metadata': 'annotations finalizers generateName labels name namespace',
        'spec.submit.workflowTemplateRef': 'clusterScope name',
      },
    },
    below: { emptyNameDefaults: 25, enums: 1 },
  },
  'workflowtaskresults.argoproj.io': {
    facts: {
      defaults: [],
      rules: [
        ['required', '<root>', ['metadata']],
        ['required', 'outputs.artifacts[]', ARTIFACT_REQUIRED],
        ['required', 'outputs.parameters[]', ['name']],
      ],
      keptWhole: ['outputs.artifacts[]', 'outputs.parameters[].valueFrom'],
      fields: {
        '<root>': 'apiVersion kind message metadata outputs phase progress',
        outputs: 'artifacts exitCode parameters result',
        'outputs.parameters[]': PARAMETER_FIELDS,
      },
    },
    below: { emptyNameDefaults: 25, enums: 1 },
  },
  'workflowartifactgctasks.argoproj.io': {
    facts: {
      defaults: [],
      rules: [
        ['required', '<root>', ['metadata', 'spec']],
        ['required', 'spec.artifactsByNode{}.artifacts{}', ARTIFACT_REQUIRED],
        ['required', 'status.artifactResultsByNode{}.artifactResults{}', ['name']],
      ],
      keptWhole: ['spec.artifactsByNode{}.archiveLocation', 'spec.artifactsByNode{}.artifacts{}'],
      fields: {
        '<root>': 'apiVersion kind metadata spec status',
        spec: 'artifactsByNode',
        'spec.artifactsByNode{}': 'archiveLocation artifacts',
        status: 'artifactResultsByNode',
        'status.artifactResultsByNode{}': 'artifactResults',
        'status.artifactResultsByNode{}.artifactResults{}': 'error name success',
      },
    },
    below: { emptyNameDefaults: 48, enums: 1 },
  },
};

/**
 * The Deployment: upstream's base with Kubeflow Pipelines' patch (image, args, security
 * contexts, requests).
 */
export const DEPLOYMENT_FACTS = {
  name: 'workflow-controller',
  podLabel: { app: 'workflow-controller' },
  priorityClassName: 'workflow-controller',
  serviceAccountName: 'argo',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  container: {
    name: 'workflow-controller',
    image: 'quay.io/argoproj/workflow-controller:v3.7.3',
    command: ['workflow-controller'],
    args: [
      '--configmap',
      'workflow-controller-configmap',
      '--executor-image',
      'quay.io/argoproj/argoexec:v3.7.3',
    ],
    env: [
      {
        name: 'LEADER_ELECTION_IDENTITY',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
      },
    ],
    ports: [{ name: 'metrics', containerPort: 9090 }, { containerPort: 6060 }],
    livenessProbe: {
      httpGet: { port: 6060, path: '/healthz' },
      failureThreshold: 3,
      initialDelaySeconds: 90,
      periodSeconds: 60,
      timeoutSeconds: 30,
    },
    securityContext: {
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    requests: { cpu: '100m', memory: '500Mi' },
  },
  /** `USER 8737` of the `workflow-controller` stage of the Dockerfile. */
  imageUid: 8737,
} as const;

export const PRIORITY_CLASS_FACTS = { name: 'workflow-controller', value: 1000000 } as const;

/** Kubeflow Pipelines' `workflow-controller-configmap` (its data, parsed). */
export const KFP_CONFIG_FACTS = {
  artifactRepository: {
    archiveLogs: true,
    s3: {
      keyFormat:
        'private-artifacts/{{workflow.namespace}}/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}',
      // `endpoint`, `bucket`, `insecure` and the Secret come from the install's object store.
      keys: ['endpoint', 'bucket', 'keyFormat', 'insecure', 'accessKeySecret', 'secretKeySecret'],
    },
  },
  executor: {
    imagePullPolicy: 'IfNotPresent',
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  },
} as const;

/** The JSON names of `Config`'s fields (`config/config.go`); the controller rejects others. */
export const CONFIG_KEYS = [
  'nodeEvents',
  'workflowEvents',
  'executor',
  'mainContainer',
  'kubeConfig',
  'artifactRepository',
  'namespace',
  'instanceID',
  'metricsConfig',
  'telemetryConfig',
  'parallelism',
  'namespaceParallelism',
  'resourceRateLimit',
  'persistence',
  'links',
  'columns',
  'workflowDefaults',
  'podSpecLogStrategy',
  'podGCGracePeriodSeconds',
  'podGCDeleteDelayDuration',
  'workflowRestrictions',
  'initialDelay',
  'images',
  'retentionPolicy',
  'navColor',
  'sso',
  'synchronization',
] as const;

/** `ArtifactRepository` and `S3ArtifactRepository` (with the inlined `S3Bucket`). */
export const ARTIFACT_REPOSITORY_KEYS = [
  'archiveLogs',
  's3',
  'artifactory',
  'hdfs',
  'oss',
  'gcs',
  'azure',
] as const;
export const S3_REPOSITORY_KEYS = [
  'endpoint',
  'bucket',
  'region',
  'insecure',
  'accessKeySecret',
  'secretKeySecret',
  'sessionTokenSecret',
  'roleARN',
  'useSDKCreds',
  'createBucketIfNotPresent',
  'encryptionOptions',
  'caSecret',
  'keyFormat',
  'keyPrefix',
] as const;

/** `MetricsConfig`, and its defaults: port 9090, path /metrics, TLS on (`GetSecure(true)`). */
export const METRICS_CONFIG_KEYS = [
  'enabled',
  'disableLegacy',
  'metricsTTL',
  'path',
  'port',
  'ignoreErrors',
  'secure',
  'modifiers',
  'temporality',
] as const;
export const METRICS_DEFAULTS = { port: 9090, path: '/metrics', secure: true } as const;

/** `ResourceRateLimit`. */
export const RESOURCE_RATE_LIMIT_KEYS = ['limit', 'burst'] as const;

/** `argo-cluster-role`, rule by rule. */
export const CLUSTER_ROLE_FACTS = {
  name: 'argo-cluster-role',
  rules: [
    {
      apiGroups: [''],
      resources: ['pods', 'pods/exec'],
      verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
    },
    { apiGroups: [''], resources: ['configmaps', 'namespaces'], verbs: ['get', 'watch', 'list'] },
    {
      apiGroups: [''],
      resources: ['persistentvolumeclaims', 'persistentvolumeclaims/finalizers'],
      verbs: ['create', 'update', 'delete', 'get'],
    },
    {
      apiGroups: ['argoproj.io'],
      resources: [
        'workflows',
        'workflows/finalizers',
        'workflowtasksets',
        'workflowtasksets/finalizers',
        'workflowartifactgctasks',
      ],
      verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete', 'create'],
    },
    {
      apiGroups: ['argoproj.io'],
      resources: [
        'workflowtemplates',
        'workflowtemplates/finalizers',
        'clusterworkflowtemplates',
        'clusterworkflowtemplates/finalizers',
      ],
      verbs: ['get', 'list', 'watch'],
    },
    {
      apiGroups: ['argoproj.io'],
      resources: ['workflowtaskresults'],
      verbs: ['list', 'watch', 'deletecollection'],
    },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'list'] },
    {
      apiGroups: ['argoproj.io'],
      resources: ['cronworkflows', 'cronworkflows/finalizers'],
      verbs: ['get', 'list', 'watch', 'update', 'patch', 'delete'],
    },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    {
      apiGroups: ['policy'],
      resources: ['poddisruptionbudgets'],
      verbs: ['create', 'get', 'delete'],
    },
    {
      apiGroups: [''],
      resources: ['secrets'],
      verbs: ['get'],
      resourceNames: ['argo-workflows-agent-ca-certificates'],
    },
  ],
  /** Both bindings are `argo-binding`; KFP patches the ClusterRoleBinding's namespace. */
  binding: 'argo-binding',
} as const;

/** `argo-role` in the controller's namespace. */
export const ROLE_FACTS = {
  name: 'argo-role',
  rules: [
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['create', 'get', 'update'],
    },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  ],
  binding: 'argo-binding',
} as const;

const USER = [
  'workflows',
  'workflows/finalizers',
  'workfloweventbindings',
  'workfloweventbindings/finalizers',
  'workflowtemplates',
  'workflowtemplates/finalizers',
  'cronworkflows',
  'cronworkflows/finalizers',
  'clusterworkflowtemplates',
  'clusterworkflowtemplates/finalizers',
];
const WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** `workflow-aggregate-roles.yaml`. */
export const AGGREGATE_ROLE_FACTS = [
  {
    name: 'argo-aggregate-to-view',
    label: 'rbac.authorization.k8s.io/aggregate-to-view',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [...USER, 'workflowtaskresults', 'workflowtaskresults/finalizers'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
  {
    name: 'argo-aggregate-to-edit',
    label: 'rbac.authorization.k8s.io/aggregate-to-edit',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [...USER, 'workflowtaskresults', 'workflowtaskresults/finalizers'],
        verbs: WRITE,
      },
    ],
  },
  {
    name: 'argo-aggregate-to-admin',
    label: 'rbac.authorization.k8s.io/aggregate-to-admin',
    rules: [
      {
        apiGroups: ['argoproj.io'],
        resources: [
          ...USER,
          'workflowtasksets',
          'workflowtasksets/finalizers',
          'workflowtaskresults',
          'workflowtaskresults/finalizers',
        ],
        verbs: WRITE,
      },
    ],
  },
] as const;

/** The leader-election Lease (`main.go`): `workflow-controller[-<instanceID>]`. */
export const LEASE_FACTS = { name: 'workflow-controller' } as const;
