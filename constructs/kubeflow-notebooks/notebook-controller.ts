import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { IGateway } from '../core/mesh';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { Suppressions } from '../core/policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { NotebookCrd } from './crd';
import { monitorController } from './monitoring';
import { KUBEFLOW_NOTEBOOKS_NAMES, KUBEFLOW_NOTEBOOKS_PORTS } from './names';
import { NOTEBOOKS_LABELS } from './private/labels';
import { userRoles } from './private/user-roles';
import { NOTEBOOK_CONTROLLER_RULES, NOTEBOOKS_USER_ROLES } from './rbac';
import { KUBEFLOW_NOTEBOOKS_IMAGES } from './versions';

/** Requests and limits of the notebook controller. */
export const NOTEBOOK_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/** Stopping idle notebooks (`ENABLE_CULLING`); upstream's defaults. */
export interface NotebookCulling {
  /** @default false */
  readonly enabled?: boolean;
  /** A notebook idle this long is stopped (`CULL_IDLE_TIME`). @default 1440 */
  readonly idleTimeMinutes?: number;
  /** How often idleness is checked (`IDLENESS_CHECK_PERIOD`). @default 1 */
  readonly checkPeriodMinutes?: number;
}

export interface NotebookControllerProps {
  /**
   * The cluster's Prometheus: the controller's metrics are read through its sidecar and its
   * down and reconcile-error alerts added.
   * @default - not monitored
   */
  readonly monitoring?: IMonitoring;
  /** Where the controller runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** The gateway each notebook's VirtualService binds to (`ISTIO_GATEWAY`). */
  readonly gateway: IGateway;
  /** The host of each notebook's VirtualService (`ISTIO_HOST`). @default '*' - upstream's */
  readonly istioHost?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default - upstream's: off, 1440 minutes, checked every minute */
  readonly culling?: NotebookCulling;
  /** @default NOTEBOOK_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Create the Notebook CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
}

/** The user upstream runs the controller as. */
const CONTROLLER_UID = 1000;

/**
 * The notebook controller of kubeflow/notebooks v1.11.0: it turns each Notebook into a
 * StatefulSet, a Service and (with Istio) a VirtualService under `/notebook/<ns>/<name>/` on the
 * gateway. The CRD, the Deployment `notebook-controller-deployment` with its ConfigMap of
 * settings (read as environment, as upstream), its ClusterRole (upstream's rules), the metrics
 * Service and the aggregated user roles.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/notebook-controller
 */
export class NotebookController extends Construct {
  public readonly namespace: string;
  public readonly settings: Readonly<Record<string, string>>;
  public readonly resources: ResourceSpec;
  public readonly crd?: NotebookCrd;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;

  public constructor(scope: Construct, id: string, props: NotebookControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KUBEFLOW_NOTEBOOKS_NAMES.controller;
    const P = KUBEFLOW_NOTEBOOKS_PORTS;
    this.namespace = ns;
    this.resources = props.resources ?? NOTEBOOK_CONTROLLER_DEFAULT_RESOURCES;
    const culling = props.culling ?? {};
    const idle = culling.idleTimeMinutes ?? 1440;
    const period = culling.checkPeriodMinutes ?? 1;
    validate(idle, period);
    this.settings = {
      USE_ISTIO: 'true',
      ISTIO_GATEWAY: props.gateway.gatewayRef,
      ISTIO_HOST: props.istioHost ?? '*',
      CLUSTER_DOMAIN: props.clusterDomain ?? 'cluster.local',
      ENABLE_CULLING: String(culling.enabled ?? false),
      CULL_IDLE_TIME: String(idle),
      IDLENESS_CHECK_PERIOD: String(period),
    };
    if (props.crd ?? true)
      this.crd = new NotebookCrd(scopeInLayer(this, Layer.CRDS), 'NotebookCrd');

    const labels = NOTEBOOKS_LABELS.labels('notebook-controller');
    const selector = NOTEBOOKS_LABELS.selector('notebook-controller');
    const rbacLabels = NOTEBOOKS_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(N.config),
      data: { ...this.settings },
    });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: NOTEBOOK_CONTROLLER_RULES.map((r) => ({ ...r })),
    });
    Suppressions.add(
      this.clusterRole,
      'platform/rbac-wildcards',
      "Upstream's rules (kubeflow/notebooks v1.11.0): the controller owns every notebook's StatefulSet, Service and VirtualService in every namespace and upstream grants all verbs on exactly those kinds and on notebooks; the wildcard is on verbs only, never on groups or resources.",
    );
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    userRoles(
      this,
      NOTEBOOKS_USER_ROLES.filter((r) => r.name.startsWith('kubeflow-notebooks-')),
      rbacLabels,
    );

    const fromConfig = (key: string): k8s.EnvVar => ({
      name: key,
      valueFrom: { configMapKeyRef: { name: N.config, key } },
    });
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(P.controllerProbes) },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          // Monitoring writes the prometheus.io annotations the sidecar injector reads here.
          metadata: { labels, ...(props.monitoring ? { annotations: {} } : {}) },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: CONTROLLER_UID,
              runAsGroup: CONTROLLER_UID,
              fsGroup: CONTROLLER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KUBEFLOW_NOTEBOOKS_IMAGES.notebookController),
                imagePullPolicy: 'IfNotPresent',
                command: ['/manager'],
                env: Object.keys(this.settings).map(fromConfig),
                ports: [
                  { name: 'http-metrics', containerPort: P.controllerMetrics, protocol: 'TCP' },
                  { name: 'probes', containerPort: P.controllerProbes, protocol: 'TCP' },
                ],
                livenessProbe: probe('/healthz'),
                readinessProbe: probe('/readyz'),
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    // Upstream's Service names port 443, where nothing listens; ours serves the metrics.
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(N.service),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'http-metrics',
            port: P.controllerMetrics,
            targetPort: k8s.IntOrString.fromString('http-metrics'),
            protocol: 'TCP',
          },
        ],
      },
    });
    if (props.monitoring) {
      monitorController(this, props.monitoring, {
        id: 'notebook-controller',
        alertPrefix: 'KubeflowNotebookController',
        impact:
          'new notebooks are not started, stopped ones are not resumed and idle ones are not culled.',
        namespace: props.namespace,
        deployment: this.deployment,
        deploymentName: N.deployment,
        container: N.container,
        podLabels: selector,
        port: { name: 'http-metrics', number: P.controllerMetrics },
        resource: 'notebooks.kubeflow.org',
      });
    }
  }
}

function validate(idle: number, period: number): void {
  const problems: string[] = [];
  for (const [path, value] of [
    ['culling.idleTimeMinutes', idle],
    ['culling.checkPeriodMinutes', period],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      problems.push(
        propProblem(
          path,
          'is not a whole number of minutes of at least 1',
          String(value),
          'Use 1 or more.',
        ),
      );
    }
  }
  throwIfProblems('NotebookController', problems);
}
