import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure } from '../core/gateway-exposure';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { throwIfProblems } from '../core/validation';
import { crudWebApp, replicasProblems } from './private/crud-web-app';
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
    this.namespace = ns;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? TENSORBOARDS_WEB_APP_DEFAULT_RESOURCES;
    throwIfProblems('TensorboardsWebApp', replicasProblems(this.replicas));
    this.podLabels = TENSORBOARDS_WEB_APP_POD_LABELS;

    const app = crudWebApp(this, {
      namespace: props.namespace,
      gateway: props.gateway,
      names: N,
      prefix: TENSORBOARDS_PREFIX,
      userIdHeader: WEB_APPS_USERID_HEADER,
      image: WEB_APPS_IMAGES.tensorboardsWebApp,
      replicas: this.replicas,
      resources: this.resources,
      ports: WEB_APPS_PORTS,
      serviceHost: this.serviceHost,
      rules: TENSORBOARDS_WEB_APP_RULES,
      userRoles: TENSORBOARDS_USER_ROLES,
      labels: {
        app: WEB_APPS_LABELS.labels('tensorboards-web-app'),
        rbac: WEB_APPS_LABELS.labels('rbac'),
        mesh: WEB_APPS_LABELS.labels('mesh-policy'),
      },
      podLabels: this.podLabels,
      component: 'Tensorboards web app',
      description: 'the tensorboards web app at /tensorboards/ from the ingress gateway',
    });
    this.deployment = app.deployment;
    this.exposure = app.exposure;
  }
}
