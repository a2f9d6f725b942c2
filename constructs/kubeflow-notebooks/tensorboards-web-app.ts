import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { resolveImage } from '../core/images';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { propProblem, throwIfProblems } from '../core/validation';
import { userRoles } from './private/user-roles';
import { UserRole } from './rbac';
import {
  TENSORBOARDS_PREFIX,
  TENSORBOARDS_WEB_APP_POD_LABELS,
  WEB_APPS_IMAGES,
  WEB_APPS_LABELS,
  WEB_APPS_NAMES,
  WEB_APPS_PORTS,
  WEB_APPS_USERID_HEADER,
} from './web-apps-versions';

/** Requests and limits of the web app (three gunicorn workers). */
export const TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '256Mi', limit: '512Mi' },
};

const TENSORBOARDS = ['tensorboards', 'tensorboards/finalizers'];
const TENSORBOARD_GROUP = 'tensorboard.kubeflow.org';
const READ_PODDEFAULTS: k8s.PolicyRule = {
  apiGroups: ['kubeflow.org'],
  resources: ['poddefaults'],
  verbs: ['get', 'list', 'watch'],
};

/**
 * The tensorboards web app's ClusterRole, rule by rule as upstream's
 * `crud-web-apps/tensorboards/manifests/base/cluster-role.yaml` at v1.11.0. The app acts for the
 * user only after a SubjectAccessReview says the user may; it reads PodDefaults for the form.
 */
export const TENSORBOARDS_WEB_APP_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: [TENSORBOARD_GROUP],
    resources: TENSORBOARDS,
    verbs: ['get', 'list', 'create', 'delete'],
  },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'delete', 'get', 'list'],
  },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  READ_PODDEFAULTS,
];

/** Upstream's aggregated user roles of the tensorboards web app (in its `cluster-role.yaml`). */
export const TENSORBOARDS_USER_ROLES: readonly UserRole[] = [
  { name: WEB_APPS_NAMES.userRoles.tensorboardUiAdmin, aggregateTo: ['kubeflow-admin'], rules: [] },
  {
    name: WEB_APPS_NAMES.userRoles.tensorboardUiEdit,
    aggregateTo: ['kubeflow-edit'],
    rules: [
      {
        apiGroups: [TENSORBOARD_GROUP],
        resources: TENSORBOARDS,
        verbs: ['get', 'list', 'create', 'delete'],
      },
      READ_PODDEFAULTS,
    ],
  },
  {
    name: WEB_APPS_NAMES.userRoles.tensorboardUiView,
    aggregateTo: ['kubeflow-view'],
    rules: [
      { apiGroups: [TENSORBOARD_GROUP], resources: TENSORBOARDS, verbs: ['get', 'list'] },
      {
        apiGroups: ['storage.k8s.io'],
        resources: ['storageclasses'],
        verbs: ['get', 'list', 'watch'],
      },
      READ_PODDEFAULTS,
    ],
  },
];

export interface TensorboardsWebAppProps {
  /** Where the web app runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Users reach the app at `/tensorboards/` on this gateway. */
  readonly gateway: IGateway;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream runs the web app as. */
const APP_UID = 1000;

/**
 * The tensorboards web app of kubeflow/notebooks v1.11.0 at `/tensorboards/`: users list, create
 * and delete the Tensorboard resources of their namespaces. Deployment
 * `tensorboards-web-app-deployment`, Service, ServiceAccount, ClusterRole (upstream's rules), the
 * aggregated user roles, and the gateway exposure (route, network allow, AuthorizationPolicy for
 * the gateway only). Tensorboards need the tensorboard controller and CRD, which this construct
 * does not deploy.
 * @see https://github.com/kubeflow/notebooks/tree/v1.11.0/components/crud-web-apps/tensorboards
 */
export class TensorboardsWebApp extends Construct {
  public readonly namespace: string;
  public readonly serviceHost: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  /** The pod labels; the Service, the network allow and the AuthorizationPolicy select them. */
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: TensorboardsWebAppProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = WEB_APPS_NAMES.tensorboards;
    const P = WEB_APPS_PORTS;
    this.namespace = ns;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES;
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throwIfProblems('TensorboardsWebApp', [
        propProblem(
          'replicas',
          'is not a whole number of at least 1',
          String(this.replicas),
          'Use 1 or more.',
        ),
      ]);
    }
    this.podLabels = TENSORBOARDS_WEB_APP_POD_LABELS;

    const labels = WEB_APPS_LABELS.labels('tensorboards-web-app');
    const rbacLabels = WEB_APPS_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: TENSORBOARDS_WEB_APP_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    userRoles(this, TENSORBOARDS_USER_ROLES, rbacLabels);

    const env: Record<string, string> = {
      APP_PREFIX: TENSORBOARDS_PREFIX,
      USERID_HEADER: WEB_APPS_USERID_HEADER,
      USERID_PREFIX: '',
      APP_SECURE_COOKIES: 'true',
      METRICS: '1',
    };
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: N.serviceAccount,
            // The app calls the API server for the user (Tensorboards, access reviews).
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: APP_UID,
              runAsGroup: APP_UID,
              fsGroup: APP_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, WEB_APPS_IMAGES.tensorboardsWebApp),
                imagePullPolicy: 'IfNotPresent',
                env: Object.entries(env).map(([name, value]) => ({ name, value })),
                ports: [{ name: 'http', containerPort: P.app, protocol: 'TCP' }],
                // Upstream declares no probes; the app serves these (crud_backend/probes.py).
                livenessProbe: probe('/healthz/liveness'),
                readinessProbe: probe('/healthz/readiness'),
                // gunicorn keeps its worker heartbeat files in the temporary directory.
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });

    httpService(this, 'Service', {
      metadata: metadata(N.service),
      selector: { ...this.podLabels },
      port: P.service,
    });

    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: N.route,
      prefix: `${TENSORBOARDS_PREFIX}/`,
      rewrite: '/',
      service: { host: this.serviceHost, port: P.service },
      podPort: P.app,
      podLabels: this.podLabels,
      description: 'the tensorboards web app at /tensorboards/ from the ingress gateway',
      component: 'Tensorboards web app',
      labels: WEB_APPS_LABELS.labels('mesh-policy'),
    });
  }
}
