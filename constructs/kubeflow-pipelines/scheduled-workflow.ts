import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { apiTokenVolume, clusterRbac, plain } from './api-server';
import { KFP_NAMES, KFP_PORTS, KFP_TOKEN_AUDIENCE } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** The ScheduledWorkflow API (`base/pipeline/cluster-scoped/scheduled-workflow-crd.yaml`). */
export const SCHEDULED_WORKFLOW_API = {
  group: 'kubeflow.org',
  kind: 'ScheduledWorkflow',
  plural: 'scheduledworkflows',
  singular: 'scheduledworkflow',
  shortNames: ['swf'],
  version: 'v1beta1',
  apiVersion: 'kubeflow.org/v1beta1',
} as const;

/**
 * The ScheduledWorkflow CRD of Kubeflow Pipelines 2.16.1 (`scheduledworkflows.kubeflow.org`):
 * namespaced, one version `v1beta1` served and stored, no subresources; spec and status are kept
 * whole and replaced as a whole (`x-kubernetes-map-type: atomic`) and both are required, as
 * upstream.
 */
export class ScheduledWorkflowCrd extends CustomResourceDefinition {
  public constructor(scope: Construct, id: string) {
    const A = SCHEDULED_WORKFLOW_API;
    const atomic = (): k8s.JsonSchemaProps => ({
      type: 'object',
      xKubernetesPreserveUnknownFields: true,
      xKubernetesMapType: 'atomic',
    });
    super(scope, id, {
      group: A.group,
      kind: A.kind,
      plural: A.plural,
      singular: A.singular,
      shortNames: A.shortNames,
      scope: 'Namespaced',
      labels: KFP_LABELS.options('crds'),
      versions: [
        {
          name: A.version,
          served: true,
          storage: true,
          schema: Schema.resource(atomic(), atomic(), { required: ['spec', 'status'] }),
        },
      ],
    });
  }
}

/** Requests and limits of the controller (upstream sets none). */
export const SCHEDULED_WORKFLOW_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/**
 * The controller's ClusterRole in multi-user mode
 * (`base/installs/multi-user/scheduled-workflow/cluster-role.yaml`).
 */
export const SCHEDULED_WORKFLOW_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  { apiGroups: ['pipelines.kubeflow.org'], resources: ['runs'], verbs: ['create'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['scheduledworkflows', 'scheduledworkflows/finalizers'],
    verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Where the controller reads its token (`apiTokenFile` of its main.go). */
export const SCHEDULED_WORKFLOW_TOKEN_DIR = '/var/run/secrets/kubeflow/tokens';

export interface ScheduledWorkflowControllerProps {
  /** Where the controller runs: the API server's namespace (it calls `ml-pipeline` there). */
  readonly namespace: INamespace;
  /** Time zone of cron schedules (`CRON_SCHEDULE_TIMEZONE`): UTC, Local or an IANA name. @default 'UTC' */
  readonly cronScheduleTimezone?: string;
  /** @default SCHEDULED_WORKFLOW_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Create the ScheduledWorkflow CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
}

/**
 * The scheduled workflow controller of Kubeflow Pipelines 2.16.1
 * (`ml-pipeline-scheduledworkflow`): it starts the runs of recurring runs in every namespace
 * (`NAMESPACE` empty, the multi-user patch) through the API server's gRPC port, with a projected
 * ServiceAccount token. The CRD, the Deployment with upstream's settings and its ClusterRole.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/backend/src/crd/controller/scheduledworkflow
 */
export class ScheduledWorkflowController extends Construct {
  public readonly namespace: string;
  public readonly cronScheduleTimezone: string;
  public readonly resources: ResourceSpec;
  public readonly crd?: ScheduledWorkflowCrd;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, props: ScheduledWorkflowControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.scheduledWorkflow;
    this.namespace = ns;
    this.cronScheduleTimezone = props.cronScheduleTimezone ?? 'UTC';
    this.resources = props.resources ?? SCHEDULED_WORKFLOW_DEFAULT_RESOURCES;
    if (!/^(UTC|Local|[A-Za-z_+-]+(\/[A-Za-z0-9_+-]+)*)$/.test(this.cronScheduleTimezone)) {
      throwIfProblems('ScheduledWorkflowController', [
        propProblem(
          'cronScheduleTimezone',
          'is not a time zone',
          `"${this.cronScheduleTimezone}"`,
          'Use UTC, Local or an IANA name such as Europe/Berlin.',
        ),
      ]);
    }
    if (props.crd ?? true) {
      this.crd = new ScheduledWorkflowCrd(scopeInLayer(this, Layer.CRDS), 'ScheduledWorkflowCrd');
    }

    const labels = KFP_LABELS.labels('scheduled-workflow');
    const selector = KFP_LABELS.selector('scheduled-workflow');
    this.clusterRole = clusterRbac(this, {
      namespace: ns,
      serviceAccount: N.serviceAccount,
      clusterRole: N.clusterRole,
      clusterRoleBinding: N.clusterRoleBinding,
      rules: SCHEDULED_WORKFLOW_RULES,
      labels,
      rbacLabels: KFP_LABELS.labels('rbac'),
    });
    const tokenVolume = 'scheduledworkflow-sa-token';
    const metrics = (extra: Partial<k8s.Probe>): k8s.Probe => ({
      httpGet: { path: '/metrics', port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 3,
      ...extra,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: {
              'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
              // It dials the API server as it starts and exits after a minute without it.
              ...HOLD_UNTIL_PROXY_STARTS,
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.scheduledWorkflow),
                imagePullPolicy: 'IfNotPresent',
                // The image's CMD passes these to the flags.
                env: [
                  plain('METRICS_PORT', String(KFP_PORTS.scheduledWorkflowMetrics)),
                  plain('CLIENT_QPS', '10'),
                  plain('RESYNC_INTERVAL_SECONDS', '30'),
                  plain('CLIENT_BURST', '20'),
                  plain('LOG_LEVEL', 'info'),
                  plain('NAMESPACE', ''),
                  plain('CRON_SCHEDULE_TIMEZONE', this.cronScheduleTimezone),
                ],
                ports: [
                  {
                    name: 'http',
                    containerPort: KFP_PORTS.scheduledWorkflowMetrics,
                    protocol: 'TCP',
                  },
                ],
                // Upstream declares none; the metrics server starts once the controller is
                // connected to the API server, which it tries for a minute.
                startupProbe: metrics({ periodSeconds: 5, failureThreshold: 18 }),
                readinessProbe: metrics({}),
                livenessProbe: metrics({ periodSeconds: 20, failureThreshold: 3 }),
                volumeMounts: [
                  { name: tokenVolume, mountPath: SCHEDULED_WORKFLOW_TOKEN_DIR, readOnly: true },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [apiTokenVolume(tokenVolume, KFP_TOKEN_AUDIENCE)],
          },
        },
      },
    });
  }
}
