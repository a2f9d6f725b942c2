import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { IObjectStore, S3CredentialsRef } from '../core/object-store';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { disruptionBudget } from '../core/service';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import {
  ARGO_EXECUTOR_DEFAULT_RESOURCES,
  KFP_ARTIFACT_KEY_FORMAT,
  MainContainerSecurity,
  ResourceRateLimit,
  workflowControllerConfig,
} from './config';
import { ArgoWorkflowsCrds } from './crds';
import { argoWorkflowsMonitoring } from './monitoring';
import { ARGO_WORKFLOWS_NAMES, ARGO_WORKFLOWS_PORTS } from './names';
import { ARGO_WORKFLOWS_LABELS } from './private/labels';
import {
  ARGO_AGGREGATED_ROLES,
  WORKFLOW_CONTROLLER_NAMESPACE_RULES,
  WORKFLOW_CONTROLLER_RULES,
} from './rbac';
import { ARGO_WORKFLOWS_IMAGES } from './versions';

/**
 * Requests as Kubeflow Pipelines 2.16.1 sets them (100m CPU, 500Mi), with limits added: the
 * controller keeps every workflow of the cluster in its informers.
 */
export const WORKFLOW_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '1' },
  memory: { request: '500Mi', limit: '1Gi' },
};

/** The user the controller's image runs as (`USER 8737` of upstream's Dockerfile). */
export const WORKFLOW_CONTROLLER_UID = 8737;

/** Upstream's PriorityClass value: the controller is scheduled before workflow pods. */
export const WORKFLOW_CONTROLLER_PRIORITY = 1000000;

export interface ArgoWorkflowsProps {
  /** Where the controller runs (`kubeflow` in Kubeflow's install). */
  readonly namespace: INamespace;
  /** The S3 store of the default artifact repository (logs and outputs Argo archives). */
  readonly objectStore: IObjectStore;
  /**
   * The bucket of the artifact repository; one of the store's buckets.
   * @default - the store's first bucket (`objectStore.buckets[0]`)
   */
  readonly artifactBucket?: string;
  /**
   * The key of each archived file, with Argo's variables (`artifactRepository.s3.keyFormat`).
   * @default KFP_ARTIFACT_KEY_FORMAT
   */
  readonly keyFormat?: string;
  /** Archive the logs of every workflow pod (`artifactRepository.archiveLogs`). @default true */
  readonly archiveLogs?: boolean;
  /**
   * Handle only workflows labelled `workflows.argoproj.io/controller-instanceid: <instanceId>`
   * (`instanceID`), for a second controller in the cluster; the leader-election Lease becomes
   * `workflow-controller-<instanceId>`.
   * @default - none: every workflow without that label
   */
  readonly instanceId?: string;
  /** Replicas; one leads, the others wait (leader election on a Lease). @default 1 */
  readonly replicas?: number;
  /** @default WORKFLOW_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** The init and wait containers of every workflow pod. @default ARGO_EXECUTOR_DEFAULT_RESOURCES */
  readonly executorResources?: ResourceSpec;
  /** @default MainContainerSecurity.hardened() */
  readonly mainContainerSecurity?: MainContainerSecurity;
  /** Default requests and limits of the main containers. @default - none: each template's */
  readonly mainContainerResources?: ResourceSpec;
  /** Workflows running at once in the cluster (`parallelism`). @default - no limit (upstream's) */
  readonly parallelism?: number;
  /** Workflows running at once per namespace (`namespaceParallelism`). @default - no limit */
  readonly namespaceParallelism?: number;
  /** Pod creation throttling (`resourceRateLimit`). @default - none (upstream's) */
  readonly resourceRateLimit?: ResourceRateLimit;
  /** Create the eight argoproj.io CRDs (in the CRD layer). @default true */
  readonly crds?: boolean;
  /**
   * Upstream's `argo-aggregate-to-view/edit/admin`: Kubernetes' `view`, `edit` and `admin`
   * include workflows.
   * @default true
   */
  readonly aggregatedRoles?: boolean;
  /**
   * The cluster's Prometheus: the controller is scraped through its sidecar (Istio's metrics
   * merging, which reads the app in plain HTTP on loopback, so the metrics server drops its
   * self-signed TLS: the sidecar's mTLS carries them off the pod) and its alerts are added.
   * @default - no monitoring: metrics stay on TLS and nothing is scraped
   */
  readonly monitoring?: IMonitoring;
}

/**
 * The workflow controller of Argo Workflows v3.7.3, installed as Kubeflow Pipelines 2.16.1
 * installs it (`third-party/argo/installs/cluster`): cluster-wide, emissary executor, the
 * CRDs of `manifests/base/crds/minimal`, upstream's ClusterRole and namespace Role, the
 * PriorityClass, and `workflow-controller-configmap` with the S3 artifact repository of the
 * object store, the executor's restricted security context and the metrics settings.
 *
 * The repository's credentials are a Secret reference: Argo reads the Secret
 * (`objectStore.credentials.secretName`, with its two keys) in the namespace of each workflow,
 * not in the controller's, so every namespace that runs workflows needs a copy of it (Kubeflow
 * Pipelines' profile controller writes `mlpipeline-minio-artifact` in each profile).
 * @see https://github.com/argoproj/argo-workflows/tree/v3.7.3/manifests
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/manifests/kustomize/third-party/argo
 */
export class ArgoWorkflows extends Construct {
  public readonly namespace: string;
  public readonly serviceAccountName: string = ARGO_WORKFLOWS_NAMES.serviceAccount;
  public readonly configMapName: string = ARGO_WORKFLOWS_NAMES.configMap;
  /** The controller's image, after the registry mirror. */
  public readonly image: string;
  /** The executor's image (`--executor-image`), after the registry mirror. */
  public readonly executorImage: string;
  public readonly artifactBucket: string;
  public readonly keyFormat: string;
  /** The Secret (and keys) the artifact repository reads in each workflow's namespace. */
  public readonly artifactCredentials: S3CredentialsRef;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly executorResources: ResourceSpec;
  public readonly mainContainerSecurity: MainContainerSecurity;
  /** The data of `workflow-controller-configmap`. */
  public readonly config: Readonly<Record<string, string>>;
  /** The Lease the replicas elect their leader with. */
  public readonly leaderElectionLease: string;
  public readonly crds?: ArgoWorkflowsCrds;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The `job` of the controller's series, when monitoring is on. */
  public readonly metricsJob?: ScrapeJob;

  public constructor(scope: Construct, id: string, props: ArgoWorkflowsProps) {
    super(scope, id);
    const N = ARGO_WORKFLOWS_NAMES;
    const P = ARGO_WORKFLOWS_PORTS;
    const ns = props.namespace.name;
    const store = props.objectStore;
    this.namespace = ns;
    this.artifactBucket = props.artifactBucket ?? store.buckets[0];
    this.keyFormat = props.keyFormat ?? KFP_ARTIFACT_KEY_FORMAT;
    this.artifactCredentials = store.credentials;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? WORKFLOW_CONTROLLER_DEFAULT_RESOURCES;
    this.executorResources = props.executorResources ?? ARGO_EXECUTOR_DEFAULT_RESOURCES;
    this.mainContainerSecurity = props.mainContainerSecurity ?? MainContainerSecurity.hardened();
    validate(props, this.artifactBucket, this.keyFormat, this.replicas);
    this.leaderElectionLease =
      props.instanceId === undefined
        ? N.leaderElectionLease
        : `${N.leaderElectionLease}-${props.instanceId}`;

    this.config = workflowControllerConfig({
      s3: {
        endpoint: `${store.host}:${store.port}`,
        bucket: this.artifactBucket,
        region: store.region,
        insecure: !store.secure,
        keyFormat: this.keyFormat,
        credentials: store.credentials,
      },
      archiveLogs: props.archiveLogs ?? true,
      executorResources: this.executorResources,
      mainContainer: this.mainContainerSecurity,
      mainContainerResources: props.mainContainerResources,
      instanceId: props.instanceId,
      parallelism: props.parallelism,
      namespaceParallelism: props.namespaceParallelism,
      resourceRateLimit: props.resourceRateLimit,
      ...(props.monitoring ? { metricsSecure: false } : {}),
    });

    if (props.crds ?? true) {
      this.crds = new ArgoWorkflowsCrds(scopeInLayer(this, Layer.CRDS), 'ArgoWorkflowsCrds');
    }

    const labels = ARGO_WORKFLOWS_LABELS.labels('workflow-controller');
    const selector = ARGO_WORKFLOWS_LABELS.selector('workflow-controller');
    const rbacLabels = ARGO_WORKFLOWS_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(N.configMap),
      data: { ...this.config },
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    new k8s.KubePriorityClass(this, 'PriorityClass', {
      metadata: { name: N.priorityClass, labels },
      value: WORKFLOW_CONTROLLER_PRIORITY,
    });

    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: WORKFLOW_CONTROLLER_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: N.role, namespace: ns, labels: rbacLabels },
      rules: WORKFLOW_CONTROLLER_NAMESPACE_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: N.roleBinding, namespace: ns, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.role },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    if (props.aggregatedRoles ?? true) {
      for (const role of ARGO_AGGREGATED_ROLES) {
        new k8s.KubeClusterRole(this, role.name, {
          metadata: {
            name: role.name,
            labels: {
              ...rbacLabels,
              [`rbac.authorization.k8s.io/aggregate-to-${role.aggregateTo}`]: 'true',
            },
          },
          rules: role.rules.map((r) => ({ ...r })),
        });
      }
    }

    this.image = resolveImage(this, ARGO_WORKFLOWS_IMAGES.workflowController);
    // Named only in a flag: resolved here so that it is mirrored and in the bill of materials.
    this.executorImage = resolveImage(this, ARGO_WORKFLOWS_IMAGES.argoexec);
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          // Upstream's selector label, kept for its dashboards and docs.
          metadata: {
            labels: { ...labels, app: 'workflow-controller' },
            // Monitoring writes the prometheus.io annotations the sidecar injector reads here.
            ...(props.monitoring ? { annotations: {} } : {}),
          },
          spec: {
            priorityClassName: N.priorityClass,
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: WORKFLOW_CONTROLLER_UID,
              runAsGroup: WORKFLOW_CONTROLLER_UID,
              fsGroup: WORKFLOW_CONTROLLER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['workflow-controller'],
                args: ['--configmap', N.configMap, '--executor-image', this.executorImage],
                env: [
                  {
                    name: 'LEADER_ELECTION_IDENTITY',
                    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
                  },
                ],
                ports: [
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { containerPort: P.health, protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(P.health) },
                  // Upstream's: three failures a minute apart, to ride out transient errors.
                  failureThreshold: 3,
                  initialDelaySeconds: 90,
                  periodSeconds: 60,
                  timeoutSeconds: 30,
                },
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    disruptionBudget(this, 'DisruptionBudget', {
      metadata: metadata(N.deployment),
      selector,
      replicas: this.replicas,
    });
    // Upstream dropped this Service in v3.4 (each install scrapes as it likes); a stable name
    // for the metrics port, served over TLS with the controller's self-signed certificate
    // (plain HTTP inside the mesh's mTLS when monitoring reads them through the sidecar).
    const metricsTls = !props.monitoring;
    new k8s.KubeService(this, 'MetricsService', {
      metadata: metadata(N.metricsService),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: metricsTls ? 'https-metrics' : 'http-metrics',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromString('metrics'),
            protocol: 'TCP',
            appProtocol: metricsTls ? 'https' : 'http',
          },
        ],
      },
    });

    if (props.monitoring) {
      this.metricsJob = argoWorkflowsMonitoring(this, props.monitoring, {
        namespace: props.namespace,
        workload: this.deployment,
        podLabels: selector,
      });
    }
  }
}

function positiveInteger(problems: string[], path: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
    problems.push(
      propProblem(path, 'is not a whole number of at least 1', String(value), 'Use 1 or more.'),
    );
  }
}

function validate(
  props: ArgoWorkflowsProps,
  bucket: string | undefined,
  keyFormat: string,
  replicas: number,
): void {
  const problems: string[] = [];
  const buckets = props.objectStore.buckets;
  if (bucket === undefined) {
    problems.push(
      propProblem(
        'objectStore.buckets',
        'is empty, so the artifact repository has no bucket',
        undefined,
        'Give the object store a bucket or set `artifactBucket`.',
      ),
    );
  } else if (!buckets.includes(bucket)) {
    problems.push(
      propProblem(
        'artifactBucket',
        'is not a bucket of the object store',
        `"${bucket}"`,
        `Use one of ${buckets.map((b) => `"${b}"`).join(', ')}, or add it to the store.`,
      ),
    );
  }
  if (keyFormat.trim() === '') {
    problems.push(
      propProblem(
        'keyFormat',
        'is empty',
        undefined,
        'Leave it unset for KFP_ARTIFACT_KEY_FORMAT or give a key with Argo variables.',
      ),
    );
  }
  if (props.instanceId !== undefined && !DNS_LABEL.test(props.instanceId)) {
    problems.push(
      propProblem(
        'instanceId',
        'is not a DNS label (it is a label value and part of the Lease name)',
        `"${props.instanceId}"`,
        'Use lower-case letters, digits and hyphens, at most 63 characters.',
      ),
    );
  }
  positiveInteger(problems, 'replicas', replicas);
  positiveInteger(problems, 'parallelism', props.parallelism);
  positiveInteger(problems, 'namespaceParallelism', props.namespaceParallelism);
  if (props.resourceRateLimit) {
    const { limit, burst } = props.resourceRateLimit;
    if (!(limit > 0)) {
      problems.push(
        propProblem(
          'resourceRateLimit.limit',
          'is not a positive rate',
          String(limit),
          'Use pods per second above 0.',
        ),
      );
    }
    positiveInteger(problems, 'resourceRateLimit.burst', burst);
  }
  throwIfProblems('ArgoWorkflows', problems);
}
