import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, imageReference, resolveImage } from '../core/images';
import { ComponentLabels } from '../core/labels';
import { Layer, scopeInLayer } from '../core/layers';
import { IGateway } from '../core/mesh';
import { IMonitoring } from '../core/monitoring';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { monitorController } from './monitoring';
import { NOTEBOOKS_LABELS } from './private/labels';
import { TensorboardCrd } from './tensorboard-crd';
import { KUBEFLOW_NOTEBOOKS_VERSION } from './versions';

/**
 * Names of the tensorboard controller's objects: upstream's after its kustomize name prefix
 * `tensorboard-controller-` (`config/default`), so that they match an upstream install.
 */
export const TENSORBOARD_CONTROLLER_NAMES = {
  deployment: 'tensorboard-controller-deployment',
  container: 'manager',
  serviceAccount: 'tensorboard-controller-controller-manager',
  /** The settings, read as environment (upstream's `configMapGenerator`). */
  config: 'tensorboard-controller-config',
  clusterRole: 'tensorboard-controller-manager-role',
  clusterRoleBinding: 'tensorboard-controller-manager-rolebinding',
  leaderElectionRole: 'tensorboard-controller-leader-election-role',
  leaderElectionRoleBinding: 'tensorboard-controller-leader-election-rolebinding',
  metricsService: 'tensorboard-controller-controller-manager-metrics-service',
} as const;

export const TENSORBOARD_CONTROLLER_PORTS = {
  /** `--metrics-bind-address`, served on every address (upstream's 127.0.0.1 sits behind a proxy). */
  metrics: 8080,
  /** `--health-probe-bind-address`: `/healthz` and `/readyz`. */
  probes: 8081,
} as const;

/** The controller image, as `config/base/kustomization.yaml` pins it at v1.11.0. */
export const TENSORBOARD_CONTROLLER_IMAGE = {
  registry: 'ghcr.io',
  repository: 'kubeflow/notebooks/tensorboard-controller',
  tag: KUBEFLOW_NOTEBOOKS_VERSION,
} as const satisfies ImageRef;

/**
 * The TensorBoard server image every Tensorboard runs (`TENSORBOARD_IMAGE`, upstream's
 * `tensorflow/tensorflow:2.5.1` on Docker Hub). It is named only in the controller's environment,
 * so it is resolved here to reach the bill of materials and the registry mirror.
 */
export const TENSORBOARD_SERVER_IMAGE = {
  registry: 'docker.io',
  repository: 'tensorflow/tensorflow',
  tag: '2.5.1',
} as const satisfies ImageRef;

/**
 * What the controller creates for each Tensorboard `<name>` in a tenant namespace, for the
 * platform to admit into that namespace: a Deployment `<name>` whose pod runs TensorBoard on
 * `port`, a Service `<name>` on `servicePort`, and a VirtualService on the gateway that routes
 * `/tensorboard/<namespace>/<name>/` to it (from the controller's source at v1.11.0).
 */
export const TENSORBOARD_SERVERS = {
  /** The port TensorBoard listens on in a server pod (its default, `--bind_all`). */
  port: 6006,
  /** The port of each server's Service (`http-<name>`, to `port`). */
  servicePort: 80,
  /**
   * The one label the controller sets on every server pod; its value is the Tensorboard's name,
   * so no fixed label selects all servers. The pod also carries every label of the Tensorboard
   * (PodDefault selectors).
   */
  nameLabel: 'app',
  /** The gateway path of a server: `<pathPrefix><namespace>/<name>/`, rewritten to `/`. */
  pathPrefix: '/tensorboard/',
  /** The route's timeout. */
  routeTimeoutSeconds: 300,
} as const;

/** The labels the controller gives the server pod of Tensorboard `name` (besides the CR's). */
export function tensorboardPodLabels(name: string): Record<string, string> {
  return { [TENSORBOARD_SERVERS.nameLabel]: name };
}

/**
 * The controller's ClusterRole, rule by rule as upstream's `config/rbac/role.yaml` at v1.11.0
 * (the kubebuilder markers of `controllers/tensorboard_controller.go`): it reads the claims and
 * pods a server mounts or shares a node with, and writes each server's Deployment, Service and
 * VirtualService. No wildcard.
 */
export const TENSORBOARD_CONTROLLER_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims', 'pods'],
    verbs: ['get', 'list', 'watch'],
  },
  { apiGroups: [''], resources: ['services'], verbs: ['create', 'get', 'list', 'update', 'watch'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    verbs: ['create', 'get', 'list', 'update', 'watch'],
  },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices'],
    verbs: ['create', 'get', 'list', 'update', 'watch'],
  },
  {
    apiGroups: ['tensorboard.kubeflow.org'],
    resources: ['tensorboards'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    apiGroups: ['tensorboard.kubeflow.org'],
    resources: ['tensorboards/finalizers'],
    verbs: ['update'],
  },
  {
    apiGroups: ['tensorboard.kubeflow.org'],
    resources: ['tensorboards/status'],
    verbs: ['get', 'patch', 'update'],
  },
];

/** Upstream's `config/rbac/leader_election_role.yaml`, for `--leader-elect`. */
export const TENSORBOARD_LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
  },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/** Requests and limits of the controller: upstream's (`config/manager/manager.yaml`). */
export const TENSORBOARD_CONTROLLER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '64Mi', limit: '128Mi' },
};

/** The user upstream runs the controller as (`runAsUser: 999`). */
const CONTROLLER_UID = 999;

const TENSORBOARD_LABELS = new ComponentLabels<'tensorboard-controller'>({
  name: 'kubeflow-notebooks',
  version: KUBEFLOW_NOTEBOOKS_VERSION,
});

export interface TensorboardControllerProps {
  /**
   * The cluster's Prometheus: the controller's metrics are read through its sidecar and its
   * down and reconcile-error alerts added.
   * @default - not monitored
   */
  readonly monitoring?: IMonitoring;
  /** Where the controller runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** The gateway each Tensorboard's VirtualService binds to (`ISTIO_GATEWAY`). */
  readonly gateway: IGateway;
  /** The host of each Tensorboard's VirtualService (`ISTIO_HOST`). @default '*' - upstream's */
  readonly istioHost?: string;
  /**
   * The TensorBoard server image (`TENSORBOARD_IMAGE`), pinned.
   * @default TENSORBOARD_SERVER_IMAGE - upstream's `tensorflow/tensorflow:2.5.1`
   */
  readonly tensorboardImage?: ImageRef;
  /**
   * Schedule a server whose logs are on a ReadWriteOnce claim onto the node of a running pod
   * that mounts it (`RWO_PVC_SCHEDULING`).
   * @default true - upstream's
   */
  readonly rwoPvcScheduling?: boolean;
  /** @default TENSORBOARD_CONTROLLER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Create the Tensorboard CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
}

/**
 * The tensorboard controller of kubeflow/notebooks v1.11.0: it turns each Tensorboard into a
 * Deployment running TensorBoard on the Tensorboard's logs, a Service and a VirtualService under
 * `/tensorboard/<ns>/<name>/` on the gateway. The CRD, the Deployment
 * `tensorboard-controller-deployment` with its ConfigMap of settings (read as environment, as
 * upstream), its ClusterRole (upstream's rules), the leader-election Role, the metrics Service and
 * the aggregated user roles. The servers it creates live in tenant namespaces: `servers` says
 * what a tenant must admit, the platform wires it.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/tensorboard-controller
 */
export class TensorboardController extends Construct {
  public readonly namespace: string;
  public readonly settings: Readonly<Record<string, string>>;
  public readonly resources: ResourceSpec;
  /** The TensorBoard server image as the controller's environment names it. */
  public readonly tensorboardImage: string;
  public readonly crd?: TensorboardCrd;
  public readonly deployment: k8s.KubeDeployment;
  public readonly clusterRole: k8s.KubeClusterRole;
  /** The controller's ServiceAccount. */
  public readonly serviceAccount: { readonly name: string; readonly namespace: string };
  /** Its mesh identity, in the gateway's trust domain (`cluster.local` when that is unknown). */
  public readonly principal: string;
  /** What each Tensorboard's server pod is: its port and labels, for tenant network allows. */
  public readonly servers = TENSORBOARD_SERVERS;

  public constructor(scope: Construct, id: string, props: TensorboardControllerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = TENSORBOARD_CONTROLLER_NAMES;
    const P = TENSORBOARD_CONTROLLER_PORTS;
    validate(props);
    this.namespace = ns;
    this.resources = props.resources ?? TENSORBOARD_CONTROLLER_DEFAULT_RESOURCES;
    this.tensorboardImage = resolveImage(this, props.tensorboardImage ?? TENSORBOARD_SERVER_IMAGE);
    this.settings = {
      RWO_PVC_SCHEDULING: (props.rwoPvcScheduling ?? true) ? 'True' : 'False',
      TENSORBOARD_IMAGE: this.tensorboardImage,
      ISTIO_GATEWAY: props.gateway.gatewayRef,
      ISTIO_HOST: props.istioHost ?? '*',
    };
    this.serviceAccount = { name: N.serviceAccount, namespace: ns };
    const trustDomain = props.gateway.principal?.split('/ns/')[0] || 'cluster.local';
    this.principal = `${trustDomain}/ns/${ns}/sa/${N.serviceAccount}`;
    if (props.crd ?? true)
      this.crd = new TensorboardCrd(scopeInLayer(this, Layer.CRDS), 'TensorboardCrd');

    const labels = TENSORBOARD_LABELS.labels('tensorboard-controller');
    const selector = TENSORBOARD_LABELS.selector('tensorboard-controller');
    const rbacLabels = NOTEBOOKS_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });
    const subjects = [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }];

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
      rules: TENSORBOARD_CONTROLLER_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects,
    });
    new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: { ...metadata(N.leaderElectionRole), labels: rbacLabels },
      rules: TENSORBOARD_LEADER_ELECTION_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: { ...metadata(N.leaderElectionRoleBinding), labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.leaderElectionRole },
      subjects,
    });

    const fromConfig = (key: string): k8s.EnvVar => ({
      name: key,
      valueFrom: { configMapKeyRef: { name: N.config, key } },
    });
    const probe = (
      path: string,
      initialDelaySeconds: number,
      periodSeconds: number,
    ): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromNumber(P.probes) },
      initialDelaySeconds,
      periodSeconds,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { 'kubectl.kubernetes.io/default-container': N.container },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 10,
            securityContext: restrictedPodSecurityContext({
              runAsUser: CONTROLLER_UID,
              runAsGroup: CONTROLLER_UID,
              fsGroup: CONTROLLER_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, TENSORBOARD_CONTROLLER_IMAGE),
                imagePullPolicy: 'IfNotPresent',
                command: ['/manager'],
                args: [
                  `--health-probe-bind-address=:${P.probes}`,
                  `--metrics-bind-address=:${P.metrics}`,
                ],
                env: Object.keys(this.settings).map(fromConfig),
                ports: [
                  { name: 'http-metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'probes', containerPort: P.probes, protocol: 'TCP' },
                ],
                livenessProbe: probe('/healthz', 15, 20),
                readinessProbe: probe('/readyz', 5, 10),
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    // Upstream serves the metrics through kube-rbac-proxy on 8443; ours serves them directly.
    new k8s.KubeService(this, 'MetricsService', {
      metadata: metadata(N.metricsService),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'http-metrics',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromString('http-metrics'),
            protocol: 'TCP',
          },
        ],
      },
    });
    if (props.monitoring) {
      monitorController(this, props.monitoring, {
        id: 'tensorboard-controller',
        alertPrefix: 'KubeflowTensorboardController',
        impact: 'new TensorBoards are not started and changed ones are not updated.',
        namespace: props.namespace,
        deployment: this.deployment,
        deploymentName: N.deployment,
        container: N.container,
        podLabels: selector,
        port: { name: 'http-metrics', number: P.metrics },
        resource: 'tensorboards.tensorboard.kubeflow.org',
      });
    }
  }
}

function validate(props: TensorboardControllerProps): void {
  const problems: string[] = [];
  const ref = props.gateway.gatewayRef;
  if (!/^[^/\s]+\/[^/\s]+$/.test(ref)) {
    problems.push(
      propProblem(
        'gateway.gatewayRef',
        'is not `<namespace>/<name>`; the controller writes it into VirtualServices in tenant namespaces, where a bare name finds no gateway',
        `"${ref}"`,
        'Name the gateway with its namespace, such as kubeflow/kubeflow-gateway.',
      ),
    );
  }
  const image = props.tensorboardImage;
  if (image && (image.tag === '' || image.tag === 'latest')) {
    problems.push(
      propProblem(
        'tensorboardImage.tag',
        'is not a pinned version',
        `"${imageReference(image)}"`,
        'Use a release tag such as 2.5.1.',
      ),
    );
  }
  throwIfProblems('TensorboardController', problems);
}
