import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseTls, IDatabase } from '../core/database';
import { ImageRef, resolveImage } from '../core/images';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { SecretSource } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import {
  ModelCatalogSources,
  catalogSourcesProblems,
  renderCatalogSources,
} from './catalog-sources';
import { HUB_POSTGRES_DEFAULT_RESOURCES, OwnPostgresDatabase } from './database';
import {
  MODEL_CATALOG_API_BASE,
  MODEL_CATALOG_CONFIG_DIR,
  MODEL_CATALOG_DEFAULT_DATABASE_NAME,
  MODEL_CATALOG_DEFAULT_DATABASE_USER,
  MODEL_CATALOG_DISCOVERY_LABELS,
  MODEL_CATALOG_NAMES,
  MODEL_CATALOG_PORTS,
  MODEL_CATALOG_SOURCES_FILE,
} from './names';
import { DATABASE_CA_DIR, DATABASE_CA_FILE } from './private/connection';
import { HUB_LABELS, versionLabel } from './private/labels';
import { postgresServer } from './private/postgres';
import { databaseProblems, namespaceProblems, wholeNumberProblems } from './private/validation';
import { HUB_UID, POSTGRES_ALPINE_UID } from './registry';
import { HUB_IMAGES } from './versions';

/** A PostgreSQL the organisation runs; the catalog speaks PostgreSQL only. */
export interface ExternalCatalogDatabase {
  readonly type: 'external';
  readonly engine: 'postgresql';
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  readonly databaseName: string;
  readonly username: k8s.SecretKeySelector;
  readonly password: k8s.SecretKeySelector;
  /** @default { required: true } */
  readonly tls?: DatabaseTls;
}

/** A database on the platform's server; it must be PostgreSQL. */
export interface PlatformCatalogDatabase {
  readonly type: 'platform';
  readonly database: IDatabase;
  /** @default 'model_catalog' */
  readonly databaseName?: string;
}

export type ModelCatalogDatabase =
  OwnPostgresDatabase | ExternalCatalogDatabase | PlatformCatalogDatabase;

/** Upstream sets none. */
export const MODEL_CATALOG_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '1' },
  memory: { request: '128Mi', limit: '1Gi' },
};

export interface ModelCatalogProps {
  /** @default 'kubeflow' - where Kubeflow 26.03.1 installs it (`overlays/model-catalog`) */
  readonly namespace?: string;
  /**
   * The sources the catalog loads. Upstream's base ships none (`sources.yaml`: an empty list);
   * Kubeflow's example installs the `demo` overlay with sample data, which is no platform default.
   * @default {} - no sources
   */
  readonly sources?: ModelCatalogSources;
  /**
   * @default { type: 'postgres' } - its own PostgreSQL (`postgres:17.6`, 5 GiB, generated password)
   */
  readonly database?: ModelCatalogDatabase;
  /**
   * The Hugging Face API key, for `hf` sources, as env `HF_API_KEY` (upstream reads it from the
   * optional Secret `model-catalog-hf-api-key`).
   * @default - none; `hf` sources then reach only public models
   */
  readonly huggingFaceApiKey?: k8s.SecretKeySelector;
  /** @default HUB_IMAGES.server */
  readonly image?: ImageRef;
  /** @default 1 - upstream's; replicas elect a leader in the database to load sources */
  readonly replicas?: number;
  /** @default MODEL_CATALOG_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/**
 * The Kubeflow Hub v0.3.9 model catalog (`options/catalog/base`): `/model-registry catalog
 * --listen=0.0.0.0:8080 --catalogs-path=/catalog/sources.yaml` behind Service `model-catalog:8080`
 * (`http-api`), its sources in ConfigMap `model-catalog-sources`, its metadata in PostgreSQL,
 * which it reads through libpq's environment (`PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`,
 * `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`; `catalog/cmd/catalog.go`). The leader among the
 * replicas runs migrations and loads the sources (a pglock in the database).
 *
 * The UI finds it as Service `model-catalog` labelled `component=model-catalog` in the namespace
 * of the request (`repositories/model_catalog.go`): that label is added here (upstream's Service
 * lacks it), but the namespace is the user's, so a catalog in `kubeflow` is seen only by users
 * working in `kubeflow`. The REST API is routed by upstream at `/api/model_catalog/`.
 * @see https://github.com/kubeflow/hub/tree/v0.3.8/catalog
 */
export class ModelCatalog extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly serviceName: string = MODEL_CATALOG_NAMES.service;
  /** `model-catalog.<namespace>.svc.<clusterDomain>`. */
  public readonly serviceHost: string;
  /** 8080 (`http-api`). */
  public readonly port: number = MODEL_CATALOG_PORTS.http;
  /** `http://<serviceHost>:8080/api/model_catalog/v1alpha1`. */
  public readonly restBaseUrl: string;
  public readonly podLabels: Readonly<Record<string, string>>;
  public readonly serviceAccountName: string = MODEL_CATALOG_NAMES.serviceAccount;
  /** `undefined` without an own PostgreSQL. */
  public readonly databasePodLabels?: Readonly<Record<string, string>>;
  public readonly databaseServiceAccountName?: string;
  /** The rendered `sources.yaml`. */
  public readonly sourcesYaml: string;
  /** The catalog's libpq environment, name to value (Secret references as `secret:<name>/<key>`). */
  public readonly settings: Readonly<Record<string, string>>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: ModelCatalogProps = {}) {
    super(scope, id);
    const N = MODEL_CATALOG_NAMES;
    const ns = props.namespace ?? 'kubeflow';
    const domain = props.clusterDomain ?? 'cluster.local';
    const db: ModelCatalogDatabase = props.database ?? { type: 'postgres' };
    const sources = props.sources ?? {};
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? MODEL_CATALOG_DEFAULT_RESOURCES;
    this.serviceHost = `${N.service}.${ns}.svc.${domain}`;
    this.restBaseUrl = `http://${this.serviceHost}:${this.port}${MODEL_CATALOG_API_BASE}`;
    throwIfProblems(`ModelCatalog "${id}"`, [
      ...namespaceProblems('namespace', ns),
      ...wholeNumberProblems('replicas', this.replicas, 1, '1'),
      ...databaseProblems(db.type === 'platform' ? { ...db } : db, 5),
      ...(db.type === 'platform' && db.database.engine !== 'postgresql'
        ? [
            propProblem(
              'database.database.engine',
              'is not postgresql, the only engine the catalog speaks',
              `"${db.database.engine}"`,
              'Give the catalog its own PostgreSQL ({ type: postgres }) or a PostgreSQL server.',
            ),
          ]
        : []),
      ...catalogSourcesProblems(sources, MODEL_CATALOG_SOURCES_FILE),
    ]);
    this.sourcesYaml = renderCatalogSources(sources);

    const labels = HUB_LABELS.labels('catalog');
    const selector = HUB_LABELS.selector('catalog');
    this.podLabels = selector;

    // The database and the catalog's libpq environment.
    let env: k8s.EnvVar[];
    let caSecret: { name: string; key: string } | undefined;
    if (db.type === 'postgres') {
      const image = db.image ?? HUB_IMAGES.catalogPostgres;
      const dbSelector = HUB_LABELS.selector('catalog-database');
      const server = postgresServer(this, {
        namespace: ns,
        name: N.database,
        serviceAccountName: N.databaseServiceAccount,
        containerName: N.databaseContainer,
        volumeName: N.databaseVolume,
        secretName: N.databaseSecret,
        labelOptions: HUB_LABELS.options('catalog-database'),
        labels: {
          ...HUB_LABELS.labels('catalog-database'),
          'app.kubernetes.io/version': versionLabel(image.tag),
        },
        selector: dbSelector,
        image,
        // Upstream runs the Debian image as 70 too (`postgres-statefulset.yaml`).
        uid: POSTGRES_ALPINE_UID,
        databaseName: MODEL_CATALOG_DEFAULT_DATABASE_NAME,
        username: MODEL_CATALOG_DEFAULT_DATABASE_USER,
        password: db.password ?? SecretSource.generated(),
        storageGiB: db.storageGiB ?? 5,
        storageClassName: db.storageClassName,
        resources: db.resources ?? HUB_POSTGRES_DEFAULT_RESOURCES,
        port: MODEL_CATALOG_PORTS.postgres,
      });
      this.databasePodLabels = dbSelector;
      this.databaseServiceAccountName = N.databaseServiceAccount;
      env = pgEnv(
        `${N.database}.${ns}.svc.${domain}`,
        MODEL_CATALOG_PORTS.postgres,
        MODEL_CATALOG_DEFAULT_DATABASE_NAME,
        { value: MODEL_CATALOG_DEFAULT_DATABASE_USER },
        server.password.keyRef('password'),
        // The own database is reached through the mesh's mTLS.
        'disable',
      );
    } else if (db.type === 'external') {
      const tls = db.tls ?? { required: true };
      caSecret = tls.required ? tls.caSecret : undefined;
      env = pgEnv(
        db.host,
        db.port ?? MODEL_CATALOG_PORTS.postgres,
        db.databaseName,
        { secret: db.username },
        db.password,
        tls.required ? 'verify-full' : 'prefer',
      );
    } else {
      const name = db.databaseName ?? MODEL_CATALOG_DEFAULT_DATABASE_NAME;
      db.database.addDatabase(name);
      const creds = db.database.credentials(ns);
      caSecret = db.database.tls.required ? db.database.tls.caSecret : undefined;
      env = pgEnv(
        db.database.host,
        db.database.port,
        name,
        { secret: creds.username },
        creds.password,
        db.database.tls.required ? 'verify-full' : 'disable',
      );
    }
    if (caSecret)
      env.push({ name: 'PGSSLROOTCERT', value: `${DATABASE_CA_DIR}/${DATABASE_CA_FILE}` });
    if (props.huggingFaceApiKey) {
      env.push({
        name: N.hfApiKeyKey,
        valueFrom: { secretKeyRef: { ...props.huggingFaceApiKey } },
      });
    }
    this.settings = Object.fromEntries(
      env.map((e) => [
        e.name,
        e.value ?? `secret:${e.valueFrom?.secretKeyRef?.name}/${e.valueFrom?.secretKeyRef?.key}`,
      ]),
    );

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeConfigMap(this, 'Sources', {
      metadata: { name: N.sourcesConfigMap, namespace: ns, labels },
      data: { [MODEL_CATALOG_SOURCES_FILE]: this.sourcesYaml, ...(sources.files ?? {}) },
    });

    const httpPort = k8s.IntOrString.fromString(N.portName);
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...selector } },
        template: {
          metadata: {
            labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
            // The catalog connects to its database as it starts.
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
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
                image: resolveImage(this, props.image ?? HUB_IMAGES.server),
                imagePullPolicy: 'IfNotPresent',
                command: ['/model-registry', 'catalog'],
                args: [
                  `--listen=0.0.0.0:${this.port}`,
                  `--catalogs-path=${MODEL_CATALOG_CONFIG_DIR}/${MODEL_CATALOG_SOURCES_FILE}`,
                ],
                env,
                ports: [{ name: N.portName, containerPort: this.port, protocol: 'TCP' }],
                // Upstream's TCP probes (`options/catalog/base/deployment.yaml`).
                livenessProbe: {
                  tcpSocket: { port: httpPort },
                  initialDelaySeconds: 30,
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                },
                readinessProbe: {
                  tcpSocket: { port: httpPort },
                  initialDelaySeconds: 3,
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                },
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'sources', mountPath: MODEL_CATALOG_CONFIG_DIR, readOnly: true },
                  { name: 'tmp', mountPath: '/tmp' },
                  ...(caSecret
                    ? [{ name: 'database-ca', mountPath: DATABASE_CA_DIR, readOnly: true }]
                    : []),
                ],
              },
            ],
            volumes: [
              { name: 'sources', configMap: { name: N.sourcesConfigMap } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
              ...(caSecret
                ? [
                    {
                      name: 'database-ca',
                      secret: {
                        secretName: caSecret.name,
                        items: [{ key: caSecret.key, path: DATABASE_CA_FILE }],
                      },
                    },
                  ]
                : []),
            ],
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: {
        name: N.service,
        namespace: ns,
        labels: { ...labels, ...MODEL_CATALOG_DISCOVERY_LABELS },
      },
      spec: {
        type: 'ClusterIP',
        selector: { ...selector },
        ports: [
          {
            name: N.portName,
            port: this.port,
            targetPort: httpPort,
            protocol: 'TCP',
            appProtocol: 'http',
          },
        ],
      },
    });
  }
}

function pgEnv(
  host: string,
  port: number,
  database: string,
  user: { value: string } | { secret: k8s.SecretKeySelector },
  password: k8s.SecretKeySelector,
  sslMode: 'disable' | 'prefer' | 'verify-full',
): k8s.EnvVar[] {
  return [
    { name: 'PGHOST', value: host },
    { name: 'PGPORT', value: String(port) },
    { name: 'PGDATABASE', value: database },
    'value' in user
      ? { name: 'PGUSER', value: user.value }
      : { name: 'PGUSER', valueFrom: { secretKeyRef: { ...user.secret } } },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { ...password } } },
    { name: 'PGSSLMODE', value: sslMode },
  ];
}
