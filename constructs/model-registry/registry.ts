import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { SecretSource } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { throwIfProblems } from '../core/validation';
import {
  HUB_POSTGRES_DEFAULT_RESOURCES,
  MODEL_REGISTRY_PLATFORM_DATABASE_NAME,
  ModelRegistryDatabase,
  ResolvedConnection,
} from './database';
import {
  MODEL_REGISTRY_ANNOTATIONS,
  MODEL_REGISTRY_API_BASE,
  MODEL_REGISTRY_DEFAULT_DATABASE_NAME,
  MODEL_REGISTRY_DEFAULT_DATABASE_USER,
  MODEL_REGISTRY_DISCOVERY_LABELS,
  MODEL_REGISTRY_HEALTH_PATHS,
  MODEL_REGISTRY_NAMES,
  MODEL_REGISTRY_PORTS,
  MODEL_REGISTRY_SERVER_POD_LABELS,
} from './names';
import { externalPort, registryDatabaseArgs } from './private/connection';
import { HUB_LABELS, versionLabel } from './private/labels';
import { postgresServer } from './private/postgres';
import { databaseProblems, namespaceProblems, wholeNumberProblems } from './private/validation';
import { HUB_IMAGES } from './versions';

/** Upstream sets none; the server is a small Go REST proxy over the database. */
export const MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '64Mi', limit: '512Mi' },
};

/** Upstream's display name (`base/model-registry-service.yaml` annotation `displayName`). */
export const MODEL_REGISTRY_DEFAULT_DISPLAY_NAME = 'Kubeflow Model Registry';

/** The images' user (`USER 65532:65532` in the server, UI and storage-initializer Dockerfiles). */
export const HUB_UID = 65532;
/** The `postgres` user of the Alpine image, which upstream runs the registry's database as. */
export const POSTGRES_ALPINE_UID = 70;

export interface ModelRegistryProps {
  /**
   * The namespace the registry runs in: a tenant's (made by the tenant component) or `kubeflow`
   * for a shared one. The UI lists registries per namespace.
   */
  readonly namespace: string;
  /**
   * Where the registry keeps its metadata.
   * @default { type: 'postgres' } - its own PostgreSQL in `namespace`, 10 GiB, generated password
   */
  readonly database?: ModelRegistryDatabase;
  /**
   * What the UI shows as the registry's name (Service annotation `displayName`).
   * @default 'Kubeflow Model Registry' - upstream's
   */
  readonly displayName?: string;
  /**
   * What the UI shows below the name (Service annotation `description`).
   * @default 'Model registry of <namespace>'
   */
  readonly description?: string;
  /** @default HUB_IMAGES.server - ghcr.io/kubeflow/hub/server:v0.3.9 */
  readonly image?: ImageRef;
  /** @default 1 - upstream's; the server keeps no state, more are safe */
  readonly replicas?: number;
  /** @default MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * One Kubeflow Hub v0.3.9 model registry: the REST server (`/model-registry proxy` with
 * `--datastore-type=embedmd`) `model-registry-deployment` behind `model-registry-service:8080`
 * (`http-api`), labelled and annotated so that the UI finds it, on its own PostgreSQL (upstream's
 * `overlays/postgres`, what Kubeflow 26.03.1 installs in a profile namespace), an external MySQL
 * or PostgreSQL, or the platform's database.
 *
 * Mesh: upstream runs its database without a sidecar and excludes the database port from the
 * server's outbound capture (`traffic.sidecar.istio.io/excludeOutboundPorts`, "db doesn't use
 * istio"): a meshed client's sidecar in front of a sidecar-less server-first protocol on a port
 * named `dbapi` made Istio sniff the protocol and stall, and under STRICT mTLS a sidecar-less pod
 * cannot be reached at all. Here both pods are in the mesh: the database port is named
 * `tcp-postgres` (opaque TCP, no sniffing) and reached over mTLS, so an AuthorizationPolicy can
 * admit the server's identity alone; the server holds until its proxy is up, because it connects
 * as it starts. An external database is reached through the sidecar as plain egress.
 * @see https://github.com/kubeflow/hub/tree/v0.3.8/manifests/kustomize
 */
export class ModelRegistry extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly serviceName: string = MODEL_REGISTRY_NAMES.service;
  /** `model-registry-service.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  /** 8080 (`http-api`): the REST API, on the pod and the Service. */
  public readonly port: number = MODEL_REGISTRY_PORTS.rest;
  /** `http://<serviceHost>:8080/api/model_registry/v1alpha3`. */
  public readonly restBaseUrl: string;
  /** The server pods' selector labels, for peers and policies. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The ServiceAccount of the server (its mesh identity). */
  public readonly serviceAccountName: string = MODEL_REGISTRY_NAMES.serviceAccount;
  /** The database pods' selector labels; `undefined` without an own PostgreSQL. */
  public readonly databasePodLabels?: Readonly<Record<string, string>>;
  /** The database's ServiceAccount; `undefined` without an own PostgreSQL. */
  public readonly databaseServiceAccountName?: string;
  /** What the server connects to. */
  public readonly databaseEngine: 'mysql' | 'postgresql';
  public readonly databaseHost: string;
  public readonly databasePort: number;
  public readonly databaseName: string;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const N = MODEL_REGISTRY_NAMES;
    const ns = props.namespace;
    const db = props.database ?? { type: 'postgres' };
    const image = props.image ?? HUB_IMAGES.server;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? MODEL_REGISTRY_SERVER_DEFAULT_RESOURCES;
    const domain = props.clusterDomain ?? 'cluster.local';
    this.serviceHost = `${N.service}.${ns}.svc.${domain}`;
    this.restBaseUrl = `http://${this.serviceHost}:${this.port}${MODEL_REGISTRY_API_BASE}`;
    throwIfProblems(`ModelRegistry "${id}"`, [
      ...namespaceProblems('namespace', ns),
      ...wholeNumberProblems('replicas', this.replicas, 1, '1'),
      ...databaseProblems(db, 10),
    ]);

    const labels = { ...HUB_LABELS.labels('server'), ...MODEL_REGISTRY_SERVER_POD_LABELS };
    const selector = { ...HUB_LABELS.selector('server'), ...MODEL_REGISTRY_SERVER_POD_LABELS };
    this.podLabels = selector;

    const { connection, ownDatabase } = this.connect(db, ns, domain);
    this.databasePodLabels = ownDatabase?.podLabels;
    this.databaseServiceAccountName = ownDatabase?.serviceAccountName;
    this.databaseEngine = connection.engine;
    this.databaseHost = connection.host;
    this.databasePort = connection.port;
    this.databaseName = connection.databaseName;
    const dbFlags = registryDatabaseArgs(connection);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    const probe = (
      path: string,
      initialDelaySeconds: number,
      periodSeconds: number,
      failureThreshold: number,
    ): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString(N.portName) },
      initialDelaySeconds,
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            // The REST proxy never calls the Kubernetes API.
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: HUB_UID,
              runAsGroup: HUB_UID,
              fsGroup: HUB_UID,
            }),
            containers: [
              {
                name: N.container,
                image: resolveImage(this, image),
                imagePullPolicy: 'IfNotPresent',
                command: ['/model-registry', 'proxy'],
                args: [
                  '--hostname=0.0.0.0',
                  `--port=${this.port}`,
                  '--datastore-type=embedmd',
                  ...dbFlags.args,
                ],
                env: dbFlags.env,
                ports: [{ name: N.portName, containerPort: this.port, protocol: 'TCP' }],
                // Upstream's probes (`base/model-registry-deployment.yaml`): liveness and startup
                // on the database check, readiness on the full one.
                startupProbe: probe(MODEL_REGISTRY_HEALTH_PATHS.isDirty, 10, 5, 6),
                livenessProbe: probe(MODEL_REGISTRY_HEALTH_PATHS.isDirty, 30, 10, 3),
                readinessProbe: probe(MODEL_REGISTRY_HEALTH_PATHS.health, 5, 10, 3),
                resources: toResourceRequirements(this.resources),
                // glog logs to stderr (`cmd/root.go`); the server writes no file.
                securityContext: restrictedContainerSecurityContext(),
                ...(dbFlags.caMount ? { volumeMounts: [dbFlags.caMount] } : {}),
              },
            ],
            ...(dbFlags.caVolume ? { volumes: [dbFlags.caVolume] } : {}),
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: N.service,
        namespace: ns,
        labels: { ...HUB_LABELS.labels('server'), ...MODEL_REGISTRY_DISCOVERY_LABELS },
        annotations: {
          [MODEL_REGISTRY_ANNOTATIONS.displayName]:
            props.displayName ?? MODEL_REGISTRY_DEFAULT_DISPLAY_NAME,
          [MODEL_REGISTRY_ANNOTATIONS.description]: props.description ?? `Model registry of ${ns}`,
        },
      },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          {
            name: N.portName,
            port: this.port,
            targetPort: k8s.IntOrString.fromString(N.portName),
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });
  }

  private connect(
    db: ModelRegistryDatabase,
    ns: string,
    domain: string,
  ): {
    connection: ResolvedConnection;
    ownDatabase?: { podLabels: Record<string, string>; serviceAccountName: string };
  } {
    const N = MODEL_REGISTRY_NAMES;
    if (db.type === 'postgres') {
      const options = HUB_LABELS.options('database');
      const image = db.image ?? HUB_IMAGES.registryPostgres;
      const selector = HUB_LABELS.selector('database');
      const server = postgresServer(this, {
        namespace: ns,
        name: N.database,
        serviceAccountName: N.databaseServiceAccount,
        containerName: N.databaseContainer,
        volumeName: N.databaseVolume,
        secretName: N.databaseSecret,
        labelOptions: options,
        labels: {
          ...HUB_LABELS.labels('database'),
          'app.kubernetes.io/version': versionLabel(image.tag),
        },
        selector,
        image,
        uid: POSTGRES_ALPINE_UID,
        databaseName: MODEL_REGISTRY_DEFAULT_DATABASE_NAME,
        username: MODEL_REGISTRY_DEFAULT_DATABASE_USER,
        password: db.password ?? SecretSource.generated(),
        storageGiB: db.storageGiB ?? 10,
        storageClassName: db.storageClassName,
        resources: db.resources ?? HUB_POSTGRES_DEFAULT_RESOURCES,
        port: MODEL_REGISTRY_PORTS.postgres,
      });
      const connection: ResolvedConnection = {
        engine: 'postgresql',
        host: `${N.database}.${ns}.svc.${domain}`,
        port: MODEL_REGISTRY_PORTS.postgres,
        databaseName: MODEL_REGISTRY_DEFAULT_DATABASE_NAME,
        username: { value: MODEL_REGISTRY_DEFAULT_DATABASE_USER },
        password: server.password.keyRef('password'),
        tls: { required: false },
        own: true,
      };
      return {
        connection,
        ownDatabase: { podLabels: selector, serviceAccountName: N.databaseServiceAccount },
      };
    }
    if (db.type === 'external') {
      const connection: ResolvedConnection = {
        engine: db.engine,
        host: db.host,
        port: externalPort(db.engine, db.port),
        databaseName: db.databaseName,
        username: { secret: db.username },
        password: db.password,
        tls: db.tls ?? { required: true },
        own: false,
      };
      return { connection };
    }
    const name = db.databaseName ?? MODEL_REGISTRY_PLATFORM_DATABASE_NAME;
    db.database.addDatabase(name);
    const creds = db.database.credentials(ns);
    const connection: ResolvedConnection = {
      engine: db.database.engine,
      host: db.database.host,
      port: db.database.port,
      databaseName: name,
      username: { secret: creds.username },
      password: creds.password,
      tls: db.database.tls,
      own: false,
    };
    return { connection };
  }
}
