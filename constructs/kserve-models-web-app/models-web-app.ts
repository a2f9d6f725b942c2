import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { IKubeflowProfiles } from '../core/kubeflow';
import { IGateway } from '../core/mesh';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { DNS_LABEL, propProblem, throwIfProblems } from '../core/validation';
import {
  MODELS_WEB_APP_LABELS,
  MODELS_WEB_APP_NAMES,
  MODELS_WEB_APP_POD_LABELS,
  MODELS_WEB_APP_PORTS,
  MODELS_WEB_APP_PREFIX,
  MODELS_WEB_APP_USERID_HEADER,
  MODELS_WEB_APP_USERID_PREFIX,
} from './names';
import { MODELS_WEB_APP_RULES, MODELS_WEB_APP_STANDARD_MODE_RULES } from './rbac';
import { MODELS_WEB_APP_IMAGES } from './versions';

/**
 * Requests and limits of the web app (three gunicorn workers). Upstream sets none; Kubeflow's
 * README measures about 6m CPU and 259Mi memory at rest.
 */
export const MODELS_WEB_APP_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '320Mi', limit: '640Mi' },
};

/**
 * Where the app's Grafana links point (`GRAFANA_*`, `backend/entrypoint.py` and
 * `apps/v1beta1/routes/get.py` at v0.18.0; the values are upstream's defaults and Kubeflow's).
 * The platform installs no Grafana: the links lead nowhere until one is routed at `prefix`.
 */
export interface ModelsWebAppGrafana {
  /** @default '/grafana' */
  readonly prefix?: string;
  /** @default 'db/knative-serving-revision-cpu-and-memory-usage' */
  readonly cpuMemoryDashboard?: string;
  /** @default 'db/knative-serving-revision-http-requests' */
  readonly httpRequestsDashboard?: string;
}

export interface KServeModelsWebAppProps {
  /**
   * Where the app runs: KServe's namespace (`kubeflow` in Kubeflow 26.03.1; upstream's next
   * release moves it to `kserve`).
   */
  readonly namespace: INamespace;
  /** Users reach the app at `/kserve-endpoints/` on this gateway. */
  readonly gateway: IGateway;
  /**
   * The Kubeflow profiles whose user id header and prefix the gateway sets (`USERID_HEADER`,
   * `USERID_PREFIX`).
   * @default - Kubeflow's overlay: header 'kubeflow-userid', prefix ''
   */
  readonly profiles?: Pick<IKubeflowProfiles, 'userIdHeader' | 'userIdPrefix'>;
  /**
   * Mark the CSRF cookie `Secure` (`APP_SECURE_COOKIES`), so that browsers send it over HTTPS
   * only. Turn off only for a gateway users reach over plain HTTP, where the app cannot work
   * otherwise.
   * @default true - upstream's
   */
  readonly secureCookies?: boolean;
  /**
   * The namespaces offered in the app's own namespace list (`ALLOWED_NAMESPACES`); the
   * dashboard's namespace selector is not limited by it, and every action is still authorized
   * for the user.
   * @default - every namespace (upstream's)
   */
  readonly allowedNamespaces?: readonly string[];
  /**
   * Let the app read the Deployments, Services, HorizontalPodAutoscalers and ServingRuntimes
   * behind an InferenceService in Standard or ModelMesh mode, which its details page shows and
   * upstream's ClusterRole does not grant (`MODELS_WEB_APP_STANDARD_MODE_RULES`).
   * @default false - upstream's rules only
   */
  readonly readStandardModeObjects?: boolean;
  /** @default - upstream's and Kubeflow's Grafana paths */
  readonly grafana?: ModelsWebAppGrafana;
  /** @default MODELS_WEB_APP_IMAGES.webApp - ghcr.io/kserve/models-web-app:0.18.0 */
  readonly image?: ImageRef;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default MODELS_WEB_APP_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream runs the app as (`deployment.yaml` `runAsUser`; the image sets none). */
const APP_UID = 1000;

/**
 * The KServe models web app of kserve/models-web-app 0.18.0 at `/kserve-endpoints/`, as Kubeflow
 * 26.03.1 installs it under its new name `kserve-models-web-application`: users list, create,
 * edit and delete the InferenceServices and InferenceGraphs of their namespaces and read their
 * logs, events and Knative revisions. The backend (kubeflow/notebooks' crud backend) acts for the
 * user named in the gateway's user id header, after a SubjectAccessReview. Deployment, Service,
 * ServiceAccount, ClusterRole and binding, and the gateway exposure (route, network allow,
 * AuthorizationPolicy for the gateway only).
 *
 * Users' own rights on InferenceServices come from the aggregated `kubeflow-kserve-{admin,edit,
 * view}` roles, which kserve/kserve ships (`config/overlays/kubeflow/cluster-role.yaml`), not
 * this app. Objects of an install from before the rename are pruned by
 * `modelsWebAppRenameUpgrade`.
 * @see https://github.com/kserve/models-web-app/tree/v0.18.0/manifests/kustomize
 */
export class KServeModelsWebApp extends Construct {
  public readonly namespace: string;
  /** `kserve-models-web-application.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  public readonly servicePort: number = MODELS_WEB_APP_PORTS.service;
  public readonly serviceAccountName: string = MODELS_WEB_APP_NAMES.serviceAccount;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly userIdHeader: string;
  public readonly userIdPrefix: string;
  /** The container's environment, name to value. */
  public readonly settings: Readonly<Record<string, string>>;
  /** The pod labels; the Service, the network allow and the AuthorizationPolicy select them. */
  public readonly podLabels: Readonly<Record<string, string>> = MODELS_WEB_APP_POD_LABELS;
  public readonly deployment: k8s.KubeDeployment;
  public readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: KServeModelsWebAppProps) {
    super(scope, id);
    const N = MODELS_WEB_APP_NAMES;
    const P = MODELS_WEB_APP_PORTS;
    const ns = props.namespace.name;
    this.namespace = ns;
    this.serviceHost = `${N.service}.${ns}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? MODELS_WEB_APP_DEFAULT_RESOURCES;
    this.userIdHeader = props.profiles?.userIdHeader ?? MODELS_WEB_APP_USERID_HEADER;
    this.userIdPrefix = props.profiles?.userIdPrefix ?? MODELS_WEB_APP_USERID_PREFIX;
    const image = props.image ?? MODELS_WEB_APP_IMAGES.webApp;
    const allowed = props.allowedNamespaces ?? [];
    throwIfProblems(
      'KServeModelsWebApp',
      problems({
        replicas: this.replicas,
        userIdHeader: this.userIdHeader,
        image,
        allowed,
        grafanaPrefix: props.grafana?.prefix,
      }),
    );

    const labels = MODELS_WEB_APP_LABELS.labels('kserve-models-web-application');
    const rbacLabels = MODELS_WEB_APP_LABELS.labels('rbac');
    const metadata = (name: string) => ({ name, namespace: ns, labels });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(N.serviceAccount),
      automountServiceAccountToken: false,
    });
    const rules = [
      ...MODELS_WEB_APP_RULES,
      ...(props.readStandardModeObjects ? MODELS_WEB_APP_STANDARD_MODE_RULES : []),
    ];
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: rules.map((r) => ({ ...r })),
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });

    // Kubeflow's overlay replaces the base ConfigMap, so `APP_DISABLE_AUTH="True"` of the base
    // does not reach Kubeflow's pods: the app checks every user. Written out here rather than left
    // to the backend's default.
    const env: Record<string, string> = {
      APP_PREFIX: MODELS_WEB_APP_PREFIX,
      APP_DISABLE_AUTH: 'false',
      APP_SECURE_COOKIES: String(props.secureCookies ?? true),
      USERID_HEADER: this.userIdHeader,
      USERID_PREFIX: this.userIdPrefix,
      GRAFANA_PREFIX: props.grafana?.prefix ?? '/grafana',
      GRAFANA_CPU_MEMORY_DB:
        props.grafana?.cpuMemoryDashboard ?? 'db/knative-serving-revision-cpu-and-memory-usage',
      GRAFANA_HTTP_REQUESTS_DB:
        props.grafana?.httpRequestsDashboard ?? 'db/knative-serving-revision-http-requests',
      ...(allowed.length > 0 ? { ALLOWED_NAMESPACES: allowed.join(',') } : {}),
      // Upstream's: room for the large cookie and token headers a gateway with OIDC passes.
      GUNICORN_CMD_ARGS: '--limit-request-field_size 32000',
    };
    this.settings = env;

    // Upstream's probes: the backend serves both paths without authentication (crud_backend
    // probes.py).
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
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
            // The backend calls the API server (SubjectAccessReviews, InferenceServices).
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
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                env: Object.entries(env).map(([name, value]) => ({ name, value })),
                ports: [{ name: 'http', containerPort: P.app, protocol: 'TCP' }],
                livenessProbe: probe('/healthz/liveness'),
                readinessProbe: probe('/healthz/readiness'),
                // gunicorn keeps its worker heartbeat files in the temporary directory; the
                // rest of the filesystem stays read-only.
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

    // Upstream's VirtualService: `/kserve-endpoints/` rewritten to `/` (the app builds its links
    // from APP_PREFIX), no timeout of its own.
    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: N.route,
      prefix: `${MODELS_WEB_APP_PREFIX}/`,
      rewrite: '/',
      service: { host: this.serviceHost, port: P.service },
      podPort: P.app,
      podLabels: this.podLabels,
      description: 'the KServe models web app at /kserve-endpoints/ from the ingress gateway',
      component: 'KServe models web app',
      labels: MODELS_WEB_APP_LABELS.labels('mesh-policy'),
    });
  }
}

function problems(s: {
  replicas: number;
  userIdHeader: string;
  image: ImageRef;
  allowed: readonly string[];
  grafanaPrefix: string | undefined;
}): string[] {
  const out: string[] = [];
  const written = imageReference(s.image);
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
  if (!/^[A-Za-z0-9-]+$/.test(s.userIdHeader)) {
    out.push(
      propProblem(
        'profiles.userIdHeader',
        'is not an HTTP header name',
        `"${s.userIdHeader}"`,
        'Use the header the gateway sets, such as kubeflow-userid.',
      ),
    );
  }
  s.allowed.forEach((namespace, i) => {
    if (!DNS_LABEL.test(namespace)) {
      out.push(
        propProblem(
          `allowedNamespaces[${i}]`,
          'is not a namespace name',
          `"${namespace}"`,
          'Use a DNS label such as team-a.',
        ),
      );
    }
  });
  if (s.grafanaPrefix !== undefined && !/^\/\S*$/.test(s.grafanaPrefix)) {
    out.push(
      propProblem(
        'grafana.prefix',
        'is not an absolute path',
        `"${s.grafanaPrefix}"`,
        'Use a path on the gateway such as /grafana.',
      ),
    );
  }
  if (!Number.isInteger(s.replicas) || s.replicas < 1) {
    out.push(
      propProblem(
        'replicas',
        'is not a whole number of at least 1',
        String(s.replicas),
        'Use 1 or more.',
      ),
    );
  }
  return out;
}
