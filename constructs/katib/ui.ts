import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { KubeflowMenuItem } from '../core/kubeflow';
import { IGateway } from '../core/mesh';
import { HOLD_UNTIL_PROXY_STARTS, ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  KATIB_APPS_LABELS,
  KATIB_APPS_NAMES,
  KATIB_APPS_PORTS,
  KATIB_UI_PREFIX,
  katibPodLabels,
  katibPodSelector,
} from './private/apps-names';
import { KATIB_IMAGES } from './versions';

/** A Go server with the Angular build; upstream sets no requests. */
export const KATIB_UI_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/** The header the gateway passes the user in (`USERID_HEADER` default in `pkg/ui/v1beta1/authzn.go`). */
export const KATIB_UI_USERID_HEADER = 'kubeflow-userid';

/**
 * The central dashboard's menu entry for the UI, as Kubeflow 26.03.1 lists it
 * (`applications/dashboard/upstream/centraldashboard/base/configmap.yaml`).
 */
export const KATIB_UI_MENU_ITEM: KubeflowMenuItem = {
  link: KATIB_UI_PREFIX,
  text: 'Katib Experiments',
  icon: 'kubeflow:katib',
};

const ALL_VERBS = ['*'];
/**
 * The UI's ClusterRole as Kubeflow installs it: `components/ui/rbac.yaml` with the
 * SubjectAccessReview rule of `installs/katib-with-kubeflow/patches/ui-rbac.yaml`. Kept as a fact;
 * the ClusterRole we render is `KATIB_UI_RULES`.
 */
export const KATIB_UI_UPSTREAM_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'namespaces'], verbs: ALL_VERBS },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['experiments', 'trials', 'suggestions'],
    verbs: ALL_VERBS,
  },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/**
 * The UI's ClusterRole: the calls the backend makes (`pkg/ui/v1beta1/{backend,hp,nas,util}.go`
 * through `pkg/util/v1beta1/katibclient`, an uncached client, so no `watch`), instead of
 * upstream's `*`, which would also let the UI's account create and delete namespaces and patch
 * trials and suggestions. Broader than obvious, and why:
 * - every rule is cluster-wide: users pick any namespace they may use; the backend checks each
 *   request with a SubjectAccessReview for the user first (`IsAuthorized`, `APP_DISABLE_AUTH`
 *   false);
 * - `configmaps` create, update and delete in every namespace: the trial-template editor writes
 *   the ConfigMaps labelled `katib.kubeflow.org/component: trial-templates`; RBAC cannot narrow
 *   by label, the SubjectAccessReview does;
 * - `namespaces` list: the namespace selector and the template search walk every namespace.
 */
export const KATIB_UI_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
  {
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'list', 'create', 'update', 'delete'],
  },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['experiments'],
    verbs: ['get', 'list', 'create', 'delete'],
  },
  { apiGroups: ['kubeflow.org'], resources: ['trials'], verbs: ['get', 'list'] },
  { apiGroups: ['kubeflow.org'], resources: ['suggestions'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/** The DB manager as the UI dials it; a `KatibDbManager` is one. */
export interface KatibDbManagerEndpoint {
  /** e.g. `katib-db-manager.kubeflow.svc.cluster.local`. */
  readonly serviceHost: string;
  readonly servicePort: number;
  /** Admits the UI's pods, where the DB manager runs in the UI's namespace. */
  allowFrom?(id: string, podLabels: Readonly<Record<string, string>>, why: string): void;
}

export interface KatibUiProps {
  /** Where the UI runs: Katib's namespace (`kubeflow`); trial templates there are shown to all. */
  readonly namespace: INamespace;
  /** Users reach the UI at `/katib/` on this gateway. */
  readonly gateway: IGateway;
  /** The DB manager the UI reads metrics from (`--db-manager-address`). */
  readonly dbManager: KatibDbManagerEndpoint;
  /** The header the gateway passes the user in (`USERID_HEADER`). @default 'kubeflow-userid' */
  readonly userIdHeader?: string;
  /**
   * The prefix before the user in the header, removed once (`USERID_PREFIX`). Upstream's default
   * when unset is `:`; Kubeflow's gateway sends the bare user.
   * @default ''
   */
  readonly userIdPrefix?: string;
  /** @default KATIB_IMAGES.ui - ghcr.io/kubeflow/katib/katib-ui:v0.19.0 */
  readonly image?: ImageRef;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default KATIB_UI_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream runs the UI as (`runAsUser: 1000`; the alpine image sets none). */
const UI_UID = 1000;

/**
 * Katib's UI of v0.19.0 (`katib-ui`) as Kubeflow installs it (`installs/katib-with-kubeflow`):
 * the Go backend with the Angular app at `/katib/`, acting for the user named in the gateway's
 * user id header after a SubjectAccessReview (`APP_DISABLE_AUTH=false`). It calls the Kubernetes
 * API (experiments, trials, suggestions, trial-template ConfigMaps, namespaces, pod logs) and the
 * DB manager's gRPC port for metric graphs. Deployment with an Istio sidecar (Kubeflow's patch),
 * Service, ServiceAccount, ClusterRole and binding, and the gateway exposure: route (`/katib/`
 * rewritten to itself), network allow, an AuthorizationPolicy admitting only the gateway, and a
 * DENY policy for requests without the user header.
 * @see https://github.com/kubeflow/katib/tree/v0.19.0/pkg/ui/v1beta1
 */
export class KatibUi extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly userIdHeader: string;
  public readonly userIdPrefix: string;
  /** `katib-ui.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  public readonly servicePort: number = KATIB_APPS_PORTS.uiService;
  public readonly serviceAccountName: string = KATIB_APPS_NAMES.ui.serviceAccount;
  /** `host:port` of the DB manager, as passed in `--db-manager-address`. */
  public readonly dbManagerAddress: string;
  /** The pods' selector labels. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The container's environment, name to value (field references as `field:<path>`). */
  public readonly settings: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;
  /** Refuses requests that reach the UI without the user header. */
  public readonly requireUserPolicy: ApiObject;

  public constructor(scope: Construct, id: string, props: KatibUiProps) {
    super(scope, id);
    const N = KATIB_APPS_NAMES.ui;
    const P = KATIB_APPS_PORTS;
    const ns = props.namespace.name;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? KATIB_UI_DEFAULT_RESOURCES;
    this.userIdHeader = props.userIdHeader ?? KATIB_UI_USERID_HEADER;
    this.userIdPrefix = props.userIdPrefix ?? '';
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.dbManagerAddress = `${props.dbManager.serviceHost}:${props.dbManager.servicePort}`;
    const image = props.image ?? KATIB_IMAGES.ui;
    throwIfProblems('KatibUi', this.problems(props, image));

    const labels = katibPodLabels('ui');
    const selector = katibPodSelector('ui');
    const rbacLabels = KATIB_APPS_LABELS.labels('rbac');
    this.podLabels = selector;
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: KATIB_UI_RULES.map((r) => ({
        apiGroups: [...(r.apiGroups ?? [])],
        resources: [...(r.resources ?? [])],
        verbs: [...r.verbs],
      })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });

    // `pkg/ui/v1beta1/authzn.go` reads these with os.LookupEnv: an empty prefix is kept as empty.
    const env: k8s.EnvVar[] = [
      // Katib's namespace: trial templates there are shown without a check, and it is the
      // fallback namespace (`consts.DefaultKatibNamespace`).
      {
        name: 'KATIB_CORE_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      // Kubeflow's `patches/enable-ui-authz-checks.yaml`; the code's default is "true".
      { name: 'APP_DISABLE_AUTH', value: 'false' },
      { name: 'USERID_HEADER', value: this.userIdHeader },
      { name: 'USERID_PREFIX', value: this.userIdPrefix },
    ];
    this.settings = Object.fromEntries(
      env.map((e) => [e.name, e.value ?? `field:${e.valueFrom?.fieldRef?.fieldPath}`]),
    );

    // Upstream has no probes. `/katib/` serves the app's index.html without calling anything.
    const probe = (periodSeconds: number): k8s.Probe => ({
      httpGet: { path: KATIB_UI_PREFIX, port: k8s.IntOrString.fromString(N.portName) },
      initialDelaySeconds: 3,
      periodSeconds,
      timeoutSeconds: 2,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(N.deployment),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: {
            // Kubeflow's `patches/istio-sidecar-injection.yaml`. The backend builds its
            // Kubernetes client as it starts, so it waits for the proxy.
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            // The backend calls the API server (SubjectAccessReviews, Katib objects, logs).
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: UI_UID,
              runAsGroup: UI_UID,
              fsGroup: UI_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                command: ['./katib-ui'],
                args: [`--port=${P.ui}`, `--db-manager-address=${this.dbManagerAddress}`],
                env,
                ports: [{ name: N.portName, containerPort: P.ui, protocol: 'TCP' }],
                readinessProbe: probe(10),
                livenessProbe: probe(20),
                resources: toResourceRequirements(this.resources),
                // Serves its build from the image and logs to stderr: nothing is written.
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    httpService(this, 'Service', {
      metadata: metadata(N.service),
      selector: { ...selector },
      port: P.uiService,
      portName: N.portName,
    });

    props.dbManager.allowFrom?.(
      'katib-db-manager-from-ui',
      selector,
      'the Katib UI reads observation logs for metric graphs (DB manager gRPC)',
    );

    // Upstream's VirtualService: `/katib/` rewritten to itself (the backend serves under it).
    const meshLabels = KATIB_APPS_LABELS.labels('mesh-policy');
    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: N.route,
      prefix: KATIB_UI_PREFIX,
      rewrite: KATIB_UI_PREFIX,
      service: { host: this.serviceHost, port: P.uiService },
      podPort: P.ui,
      podLabels: selector,
      description: 'the Katib UI at /katib/ from the ingress gateway',
      component: 'Katib UI',
      labels: meshLabels,
    });
    // Every backend call needs the user; without the header the request did not come through
    // the gateway's authentication.
    this.requireUserPolicy = new ApiObject(this, 'RequireUser', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: `${N.route}-require-user`, namespace: ns, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'DENY',
        rules: [
          {
            to: [{ operation: { ports: [String(P.ui)] } }],
            when: [{ key: `request.headers[${this.userIdHeader}]`, notValues: ['*'] }],
          },
        ],
      },
    });
  }

  private problems(props: KatibUiProps, image: ImageRef): string[] {
    const out: string[] = [];
    if (!/^[A-Za-z0-9-]+$/.test(this.userIdHeader)) {
      out.push(
        propProblem(
          'userIdHeader',
          'is not an HTTP header name',
          `"${this.userIdHeader}"`,
          'Use the header the gateway sets, such as kubeflow-userid.',
        ),
      );
    }
    const port = props.dbManager.servicePort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      out.push(
        propProblem(
          'dbManager.servicePort',
          'is not a port number',
          String(port),
          'Use a port from 1 to 65535, such as 6789.',
        ),
      );
    }
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(props.dbManager.serviceHost)) {
      out.push(
        propProblem(
          'dbManager.serviceHost',
          'is not a host name',
          `"${props.dbManager.serviceHost}"`,
          'Use the Service host, such as katib-db-manager.kubeflow.svc.cluster.local.',
        ),
      );
    }
    const written = imageReference(image);
    if (!parseImageReference(written)) {
      out.push(
        propProblem(
          'image',
          'is not a pinned image',
          `"${written}"`,
          'Name a registry and a tag other than latest.',
        ),
      );
    }
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      out.push(
        propProblem(
          'replicas',
          'is not a whole number of at least 1',
          String(this.replicas),
          'Use 1 or more.',
        ),
      );
    }
    return out;
  }
}
