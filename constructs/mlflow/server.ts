import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IDatabase } from '../core/database';
import { ImageRef, imageReference, parseImageReference, resolveImage } from '../core/images';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { S3CredentialsRef } from '../core/object-store';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { httpService } from '../core/service';
import { DNS_LABEL, isHttpUrl, propProblem, throwIfProblems } from '../core/validation';
import { LAUNCH_SERVER, databaseConnection, envSettings } from './private/launcher';
import { MLFLOW_LABELS } from './private/labels';
import { MLFLOW_IMAGES } from './versions';

/** The server's HTTP port (chart `values.yaml` `mlflow.port`, `service.port`). */
export const MLFLOW_PORT = 5000;
/** Container and Service port name (chart `_helpers.tpl` `mlflow.portName` without TLS). */
export const MLFLOW_PORT_NAME = 'http';
/** Kubeflow's URL prefix (`values-kubeflow.yaml` `mlflow.staticPrefix`). */
export const MLFLOW_DEFAULT_STATIC_PREFIX = '/mlflow';

/**
 * The auth plugin's paths that pass without a check (`mlflow_kubernetes_plugins/auth/constants.py`
 * `UNPROTECTED_PATHS`, and `UNPROTECTED_PATH_PREFIXES` for `/static`, `/favicon.ico`, `/health`,
 * `/build`), relative to the static prefix. Everything else needs a user (trusted-proxy mode) or
 * a bearer token (token mode) and a workspace.
 */
export const MLFLOW_UNPROTECTED_PATHS: readonly string[] = [
  '/',
  '/health',
  '/version',
  '/server-info',
  '/metrics',
  '/api/3.0/mlflow/server-info',
  '/ajax-api/3.0/mlflow/server-info',
  '/ajax-api/3.0/mlflow/ui-telemetry',
];
export const MLFLOW_UNPROTECTED_PATH_PREFIXES: readonly string[] = [
  '/static',
  '/favicon.ico',
  '/health',
  '/build',
];

/**
 * Whether the server and the migration reach a database over TLS, per engine: yes for both.
 * MySQL through MLflow's `MLFLOW_MYSQL_SSL_CA` (`mlflow/store/db/utils.py`
 * `create_sqlalchemy_engine` hands it to PyMySQL, which verifies certificate and host name),
 * PostgreSQL through libpq's `PGSSLMODE=verify-full` and `PGSSLROOTCERT` (upstream's chart sets
 * the same variables with a CA bundle, `templates/deployment.yaml`).
 */
export const MLFLOW_SUPPORTS_DATABASE_TLS: Readonly<Record<IDatabase['engine'], boolean>> = {
  mysql: true,
  postgresql: true,
};

/**
 * The Host patterns MLflow accepts by default, which upstream's chart restores since
 * `--allowed-hosts` replaces them (`_helpers.tpl` `mlflow.allowedHosts`): loopback and the private
 * address ranges, where the kubelet's probes (Host: pod IP) and in-cluster callers come from.
 * MLflow matches with `fnmatch`, hence `[[]` for a literal `[`.
 */
export const MLFLOW_DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '[::1]',
  '0.0.0.0',
  'localhost:*',
  '127.0.0.1:*',
  '[[]::1]:*',
  '0.0.0.0:*',
  '192.168.*',
  '10.*',
  ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`),
  'fc00:*',
  'fd00:*',
];

/**
 * A tracking server of ~one worker: MLflow 3 with its GenAI and gateway extras imports pandas,
 * pyarrow and SQLAlchemy (about 500 MiB resident per worker). Upstream sets none. Memory grows
 * with `workers`; raise both together.
 */
export const MLFLOW_SERVER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2' },
  memory: { request: '768Mi', limit: '2Gi' },
};

/**
 * Scratch space at `/tmp`. The artifact proxy writes each upload to a temporary file before
 * sending it to the store, and each download before sending it to the client, so `/tmp` must hold
 * the largest artifact in flight. Upstream's 128Mi refuses larger models.
 */
export const MLFLOW_DEFAULT_TMP_SIZE = '4Gi';

/** How the server learns who calls, and which Kubernetes review it asks. */
export type MlflowAuthorization =
  | {
      /**
       * An authenticating proxy (the gateway) sends the user and groups in headers; the server's
       * own account asks a SubjectAccessReview for them (`subject_access_review`). Requests must
       * reach the server only through that proxy.
       */
      readonly mode: 'trusted-proxy';
      /** e.g. `kubeflow-userid` (`MLFLOW_K8S_AUTH_REMOTE_USER_HEADER`; plugin default `x-remote-user`). */
      readonly userHeader: string;
      /** e.g. `kubeflow-groups` (`MLFLOW_K8S_AUTH_REMOTE_GROUPS_HEADER`). */
      readonly groupsHeader: string;
      /** e.g. `,` (`MLFLOW_K8S_AUTH_REMOTE_GROUPS_SEPARATOR`; plugin default `|`). */
      readonly groupsSeparator: string;
    }
  | {
      /**
       * Each caller sends a Kubernetes bearer token; the server asks a SelfSubjectAccessReview with
       * it (`self_subject_access_review`, upstream's default).
       */
      readonly mode: 'token';
    };

/** Where the server keeps runs, models and traces. */
export interface MlflowDatabase {
  /** Credentials must be readable in the server's namespace. */
  readonly database: IDatabase;
  /** The database (schema) on the server, declared with `database.addDatabase`. */
  readonly name: string;
}

/** Where the server stores artifacts (`--serve-artifacts`: clients never see the store). */
export interface MlflowArtifacts {
  /** `MLFLOW_S3_ENDPOINT_URL`, e.g. `http://minio.minio.svc.cluster.local:9000`. */
  readonly endpointUrl: string;
  readonly bucket: string;
  /**
   * Key prefix of every artifact, ending in `/`; a workspace's artifacts are under
   * `<prefix>workspaces/<namespace>/` (`mlflowWorkspaceArtifactPrefix`).
   */
  readonly prefix: string;
  /** Keys the server uses; the Secret must be in the server's namespace. */
  readonly credentials: S3CredentialsRef;
  /** `AWS_DEFAULT_REGION`. */
  readonly region: string;
}

export interface MlflowServerProps {
  readonly namespace: INamespace;
  /** Name of the Deployment, Service and ServiceAccount. @default 'mlflow' - upstream's */
  readonly name?: string;
  readonly authorization: MlflowAuthorization;
  /** URL prefix the server serves under (`--static-prefix`). @default '/mlflow' - Kubeflow's */
  readonly staticPrefix?: string;
  /**
   * Host header patterns of the gateway, e.g. `kubeflow.example.com`; MLflow's defaults
   * (`MLFLOW_DEFAULT_ALLOWED_HOSTS`) and the Service's DNS names are added.
   */
  readonly allowedHosts: readonly string[];
  /**
   * Namespaces that are workspaces (`MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR`), e.g.
   * `app.kubernetes.io/part-of=kubeflow-profile` (Kubeflow's).
   * @default - every namespace but the plugin's excluded globs (`kube-*`, `openshift-*` ...)
   */
  readonly workspaceLabelSelector?: string;
  readonly database: MlflowDatabase;
  readonly artifacts: MlflowArtifacts;
  /** @default 1 - upstream's; the server keeps no state in the pod, more are safe */
  readonly replicas?: number;
  /** Server processes per pod (`--workers`). @default 1 - Kubeflow's */
  readonly workers?: number;
  /** @default MLFLOW_SERVER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default MLFLOW_DEFAULT_TMP_SIZE */
  readonly tmpSizeLimit?: string;
  /** @default MLFLOW_IMAGES.server - ghcr.io/kubeflow/mlflow-integration:v1.6.0 */
  readonly image?: ImageRef;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** The key prefix of one workspace's artifacts, as MLflow lays them out with `--serve-artifacts`. */
export function mlflowWorkspaceArtifactPrefix(prefix: string, workspace: string): string {
  return `${prefix}workspaces/${workspace}/`;
}

/** The user of upstream's pod security context (`values.yaml` `podSecurityContext`). */
const MLFLOW_UID = 1000;

/**
 * The MLflow tracking server of kubeflow/mlflow-integration v1.6.0 (MLflow 3.15.2): one workspace
 * per namespace (`--enable-workspaces --workspace-store-uri=kubernetes://`), every request
 * authorized by Kubernetes RBAC on `mlflow.kubeflow.org` resources (`--app-name=kubernetes-auth`),
 * runs in a SQL database, artifacts proxied to S3 (`--serve-artifacts`). Deployment, Service and
 * ServiceAccount, as the chart's `templates/deployment.yaml` with Kubeflow's values; the
 * ClusterRole is `MlflowServerRbac`, the schema `MlflowDbUpgrade`, which must complete first.
 *
 * The backend store URI is built in the container (`LAUNCH_SERVER`) so the password never appears
 * in the manifest or on a command line. Exposure (route, AuthorizationPolicy, network allow) is the
 * integrator's: in trusted-proxy mode only the gateway may reach the pod, or anyone could send a
 * user header.
 * @see https://github.com/kubeflow/mlflow-integration/tree/main/charts/mlflow
 */
export class MlflowServer extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly serviceAccountName: string;
  /** `<name>.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  public readonly servicePort = MLFLOW_PORT;
  public readonly staticPrefix: string;
  /** The probes' path: `<staticPrefix>/health`, answered without authorization. */
  public readonly healthPath: string;
  public readonly authorization: MlflowAuthorization;
  public readonly replicas: number;
  public readonly workers: number;
  public readonly resources: ResourceSpec;
  /** Every Host pattern passed in `--allowed-hosts`. */
  public readonly allowedHosts: readonly string[];
  /** `s3://<bucket>/<prefix>` (`--artifacts-destination`). */
  public readonly artifactsDestination: string;
  /** The pods' selector labels. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The container's environment by name (Secret references as `secret:<name>/<key>`). */
  public readonly settings: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: MlflowServerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const name = props.name ?? 'mlflow';
    const db = props.database.database;
    const art = props.artifacts;
    this.name = name;
    this.namespace = ns;
    this.serviceAccountName = name;
    const domain = props.clusterDomain ?? 'cluster.local';
    this.serviceHost = `${name}.${ns}.svc.${domain}`;
    this.staticPrefix = props.staticPrefix ?? MLFLOW_DEFAULT_STATIC_PREFIX;
    this.healthPath = `${this.staticPrefix}/health`;
    this.authorization = props.authorization;
    this.replicas = props.replicas ?? 1;
    this.workers = props.workers ?? 1;
    this.resources = props.resources ?? MLFLOW_SERVER_DEFAULT_RESOURCES;
    const image = props.image ?? MLFLOW_IMAGES.server;
    throwIfProblems('MlflowServer', this.problems(props, name, image));

    // The chart's list: MLflow's defaults, the gateway's hosts, then the Service's names.
    const serviceNames = [name, `${name}.${ns}`, `${name}.${ns}.svc`, this.serviceHost];
    this.allowedHosts = [
      ...MLFLOW_DEFAULT_ALLOWED_HOSTS,
      ...props.allowedHosts,
      ...serviceNames.flatMap((h) => [h, `${h}:*`]),
    ];
    this.artifactsDestination = `s3://${art.bucket}/${art.prefix.replace(/\/$/, '')}`;

    // Each server its own instance, as upstream's chart selects by release: two servers in one
    // namespace (one trusting the gateway's headers, one tokens) must never share a Service,
    // network allow or mesh policy.
    const instance = { 'app.kubernetes.io/instance': name };
    const labels = { ...MLFLOW_LABELS.labels('server'), ...instance };
    const selector = { ...MLFLOW_LABELS.selector('server'), ...instance };
    this.podLabels = selector;
    const metadata = { name, namespace: ns, labels };

    const conn = databaseConnection(db, props.database.name, ns);
    const auth = props.authorization;
    const env: k8s.EnvVar[] = [
      { name: 'MLFLOW_DISABLE_TELEMETRY', value: 'true' },
      // No background job runner in the web server (upstream's).
      { name: 'MLFLOW_SERVER_ENABLE_JOB_EXECUTION', value: 'false' },
      {
        name: 'MLFLOW_K8S_AUTH_AUTHORIZATION_MODE',
        value:
          auth.mode === 'trusted-proxy' ? 'subject_access_review' : 'self_subject_access_review',
      },
      ...(props.workspaceLabelSelector
        ? [{ name: 'MLFLOW_K8S_WORKSPACE_LABEL_SELECTOR', value: props.workspaceLabelSelector }]
        : []),
      // Host and CORS checks stay on (upstream's).
      { name: 'MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE', value: 'false' },
      ...(auth.mode === 'trusted-proxy'
        ? [
            { name: 'MLFLOW_K8S_AUTH_REMOTE_USER_HEADER', value: auth.userHeader },
            { name: 'MLFLOW_K8S_AUTH_REMOTE_GROUPS_HEADER', value: auth.groupsHeader },
            { name: 'MLFLOW_K8S_AUTH_REMOTE_GROUPS_SEPARATOR', value: auth.groupsSeparator },
          ]
        : []),
      ...conn.env,
      { name: 'MLFLOW_S3_ENDPOINT_URL', value: art.endpointUrl },
      {
        name: 'AWS_ACCESS_KEY_ID',
        valueFrom: {
          secretKeyRef: { name: art.credentials.secretName, key: art.credentials.accessKeyKey },
        },
      },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: {
          secretKeyRef: { name: art.credentials.secretName, key: art.credentials.secretKeyKey },
        },
      },
      { name: 'AWS_DEFAULT_REGION', value: art.region },
    ];
    this.settings = envSettings(env);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      // The workspace provider watches namespaces and the auth plugin creates access reviews.
      automountServiceAccountToken: true,
    });

    // Upstream's probes (`templates/deployment.yaml`): /health under the prefix, no authorization.
    const probe = (initialDelaySeconds: number, periodSeconds: number): k8s.Probe => ({
      httpGet: {
        path: this.healthPath,
        port: k8s.IntOrString.fromString(MLFLOW_PORT_NAME),
        scheme: 'HTTP',
      },
      initialDelaySeconds,
      timeoutSeconds: 1,
      periodSeconds,
      successThreshold: 1,
      failureThreshold: 3,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: this.replicas,
        // Remote stores: a rolling update keeps the service up (upstream's choice without a PVC).
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(1),
            maxUnavailable: k8s.IntOrString.fromNumber(0),
          },
        },
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            // The workspace provider lists namespaces as the server starts.
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: MLFLOW_UID,
              runAsGroup: MLFLOW_UID,
              fsGroup: MLFLOW_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: 'mlflow',
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                command: ['python', '-c', LAUNCH_SERVER],
                args: [
                  'server',
                  '--serve-artifacts',
                  `--artifacts-destination=${this.artifactsDestination}`,
                  '--app-name=kubernetes-auth',
                  '--enable-workspaces',
                  '--workspace-store-uri=kubernetes://',
                  '--host=0.0.0.0',
                  `--port=${MLFLOW_PORT}`,
                  `--workers=${this.workers}`,
                  '--allowed-hosts',
                  this.allowedHosts.join(','),
                  `--static-prefix=${this.staticPrefix}`,
                ],
                env,
                ports: [{ name: MLFLOW_PORT_NAME, containerPort: MLFLOW_PORT, protocol: 'TCP' }],
                livenessProbe: probe(30, 10),
                readinessProbe: probe(5, 5),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...conn.mounts],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              {
                name: 'tmp',
                emptyDir: {
                  sizeLimit: k8s.Quantity.fromString(props.tmpSizeLimit ?? MLFLOW_DEFAULT_TMP_SIZE),
                },
              },
              ...conn.volumes,
            ],
          },
        },
      },
    });
    this.service = httpService(this, 'Service', {
      metadata,
      selector: { ...selector },
      port: MLFLOW_PORT,
      portName: MLFLOW_PORT_NAME,
    });

    db.addDatabase(props.database.name);
    db.grantAccess(name, NetworkPeer.namespace(ns, { ...selector }));
  }

  private problems(props: MlflowServerProps, name: string, image: ImageRef): string[] {
    const out: string[] = [];
    const ns = props.namespace.name;
    const art = props.artifacts;
    if (!DNS_LABEL.test(name)) {
      out.push(
        propProblem('name', 'is not a DNS label', `"${name}"`, 'Use a name such as mlflow.'),
      );
    }
    if (!/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(this.staticPrefix)) {
      out.push(
        propProblem(
          'staticPrefix',
          'is not a URL path without a trailing slash',
          `"${this.staticPrefix}"`,
          'Use a path such as /mlflow.',
        ),
      );
    }
    const auth = props.authorization;
    if (auth.mode === 'trusted-proxy') {
      for (const key of ['userHeader', 'groupsHeader'] as const) {
        if (!/^[A-Za-z0-9-]+$/.test(auth[key])) {
          out.push(
            propProblem(
              `authorization.${key}`,
              'is not an HTTP header name',
              `"${auth[key]}"`,
              'Use the header the gateway sets, such as kubeflow-userid.',
            ),
          );
        }
      }
      if (auth.groupsSeparator.length === 0) {
        out.push(
          propProblem(
            'authorization.groupsSeparator',
            'is empty',
            '""',
            'Use the separator the gateway puts between groups, such as ",".',
          ),
        );
      }
    }
    for (const [i, host] of props.allowedHosts.entries()) {
      if (!/^[A-Za-z0-9*.:[\]-]+$/.test(host)) {
        out.push(
          propProblem(
            `allowedHosts[${i}]`,
            'is not a host pattern',
            `"${host}"`,
            'Use a host name or a pattern such as *.kubeflow.example.com, without a scheme or commas.',
          ),
        );
      }
    }
    if (props.allowedHosts.length === 0) {
      out.push(
        propProblem(
          'allowedHosts',
          'is empty',
          '[]',
          'Name the gateway domain users reach MLflow at, such as kubeflow.example.com.',
        ),
      );
    }
    if (!/^[A-Za-z0-9_$]{1,63}$/.test(props.database.name)) {
      out.push(
        propProblem(
          'database.name',
          'is not a plain database name',
          `"${props.database.name}"`,
          'Use letters, digits and underscores, such as mlflow.',
        ),
      );
    }
    if (!isHttpUrl(art.endpointUrl)) {
      out.push(
        propProblem(
          'artifacts.endpointUrl',
          'is not an http(s) URL',
          `"${art.endpointUrl}"`,
          'Use the S3 endpoint, such as http://minio.minio.svc.cluster.local:9000.',
        ),
      );
    }
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(art.bucket)) {
      out.push(
        propProblem(
          'artifacts.bucket',
          'is not an S3 bucket name',
          `"${art.bucket}"`,
          'Use lower-case letters, digits, dots and hyphens, such as mlpipeline.',
        ),
      );
    }
    if (!/^([A-Za-z0-9._-]+\/)+$/.test(art.prefix)) {
      out.push(
        propProblem(
          'artifacts.prefix',
          'is not a key prefix ending in /',
          `"${art.prefix}"`,
          'Use a prefix such as mlflow/.',
        ),
      );
    }
    if (art.credentials.namespace !== ns) {
      out.push(
        propProblem(
          'artifacts.credentials.namespace',
          "is not the server's namespace",
          `"${art.credentials.namespace}"`,
          `Make the Secret in ${ns}; a pod reads Secrets of its own namespace only.`,
        ),
      );
    }
    for (const [key, value] of [
      ['replicas', this.replicas],
      ['workers', this.workers],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        out.push(
          propProblem(key, 'is not a whole number of at least 1', String(value), 'Use 1 or more.'),
        );
      }
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
    return out;
  }
}
