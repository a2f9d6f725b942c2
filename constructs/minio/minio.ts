import { k8s } from 'cdk8s-plus-27';
import { PlaintextClientsPort } from '../core/mesh-policy';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { standardLabels, selectorLabels, ComponentLabelOptions } from '../core/labels';
import { INamespace, NetworkPeer } from '../core/network';
import {
  IObjectStore,
  S3CredentialsRef,
  ScopedCredentialsRegistry,
  ScopedCredentialsRequest,
} from '../core/object-store';
import { JOB_RESOURCES, ResourceSpec, toResourceRequirements } from '../core/resources';
import { SecretBinding, SecretSource } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { MINIO_NAMES } from './names';
import { OBJECT_STORE_DEFAULT_FREE_SPACE_PERCENT, addMinioMonitoring } from './monitoring';
import { IMonitoring } from '../core/monitoring';
import { BucketLifecycle, TenantObjectStoreAccess } from './tenant-access';
import { MINIO_VERSIONS } from './versions';

export interface MinioBucket {
  /** S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens). */
  readonly name: string;
  /**
   * Keep every version of every object, so that a dataset or model overwritten by mistake can be
   * read back. Versioning cannot be turned off once enabled, only suspended.
   * @default true
   */
  readonly versioning?: boolean;
  /**
   * Delete versions that are no longer current after this many days (a lifecycle rule applied by
   * a Job, idempotently). Needs versioning.
   * @default - keep every version
   */
  readonly noncurrentVersionDays?: number;
}

export interface MinioProps {
  /** The namespace MinIO runs in; its network policy receives MinIO's allows. */
  readonly namespace: INamespace;
  /** @default [{ name: 'mlpipeline', versioning: true }] */
  readonly buckets?: readonly MinioBucket[];
  /** Size of the data volume. @default 20 */
  readonly storageGiB?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * The root user and password (keys `rootUser`, `rootPassword`).
   * @default SecretSource.generated()
   */
  readonly rootCredentials?: SecretSource;
  /** @default MINIO_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** The region MinIO reports to S3 clients. @default 'us-east-1' */
  readonly region?: string;
  /**
   * The server and client (`mc`) images. MinIO stopped publishing community images after the
   * pinned releases, and later security fixes exist only in source: point these at a build your
   * organisation maintains and trusts.
   * @default MINIO_VERSIONS (the last community images, pinned by digest)
   */
  readonly images?: { readonly server?: ImageRef; readonly client?: ImageRef };
  /**
   * The cluster's monitoring: MinIO's cluster metrics are scraped through the sidecar (served
   * without MinIO's JWT, `MINIO_PROMETHEUS_AUTH_TYPE=public`, and refused to every client by an
   * Istio DENY policy), and it gets the object store's alerts (down, nearly full).
   * @default - no scrape target, no alerts, metrics behind MinIO's JWT
   */
  readonly monitoring?: IMonitoring;
  /**
   * Free space, in percent of the usable capacity, below which `ObjectStoreNearlyFull` fires.
   * @default OBJECT_STORE_DEFAULT_FREE_SPACE_PERCENT (15)
   */
  readonly freeSpaceAlertPercent?: number;
}

export const MINIO_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '250m', limit: '2' },
  memory: { request: '512Mi', limit: '2Gi' },
};

const ROOT_USER = 'rootUser';
const ROOT_PASSWORD = 'rootPassword';

/**
 * MinIO as the platform's S3-compatible object store: a single-node StatefulSet with a persistent
 * volume, API and console Services, root credentials from a `SecretSource`, and a Job that creates
 * the configured buckets with versioning.
 * @see https://min.io/docs/minio/kubernetes/upstream/
 */
export class Minio extends Construct implements IObjectStore {
  public readonly implementation = 'minio';
  public readonly host: string;
  public readonly port = MINIO_NAMES.apiPort;
  public readonly secure = false;
  public readonly endpointUrl: string;
  public readonly region: string;
  public readonly buckets: readonly string[];
  private readonly scoped: ScopedCredentialsRegistry;
  public readonly credentials: S3CredentialsRef;
  public readonly namespaceName: string;
  public readonly storageGiB: number;
  public readonly rootCredentials: SecretBinding;

  private readonly namespace: INamespace;
  /** The MinIO client image of the platform's Jobs (bucket setup, tenant users). */
  public readonly clientImage: ImageRef;
  private readonly serverSelector: Record<string, string>;
  private plaintextPort?: PlaintextClientsPort;

  public constructor(scope: Construct, id: string, props: MinioProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const bucketList = props.buckets ?? [{ name: 'mlpipeline' }];
    if (bucketList.length === 0) throw new Error('MinIO needs at least one bucket.');
    this.namespace = props.namespace;
    this.namespaceName = ns;
    this.region = props.region ?? 'us-east-1';
    this.buckets = bucketList.map((b) => b.name);
    this.scoped = new ScopedCredentialsRegistry(this.buckets[0] ?? '');
    this.storageGiB = props.storageGiB ?? 20;
    this.host = `${MINIO_NAMES.apiService}.${ns}.svc.cluster.local`;
    this.endpointUrl = `http://${this.host}:${this.port}`;

    const serverImage = props.images?.server ?? MINIO_VERSIONS.server;
    this.clientImage = props.images?.client ?? MINIO_VERSIONS.client;
    const version = versionLabel(serverImage);
    const server: ComponentLabelOptions = { name: 'minio', component: 'server', version };
    this.serverSelector = selectorLabels(server);
    const labels = standardLabels(server);

    this.rootCredentials = (props.rootCredentials ?? SecretSource.generated()).bind(
      this,
      'RootCredentials',
      {
        namespace: ns,
        secretName: MINIO_NAMES.rootCredentialsSecret,
        keys: [ROOT_USER, ROOT_PASSWORD],
        labels: server,
      },
    );
    this.credentials = {
      secretName: this.rootCredentials.secretName,
      namespace: ns,
      accessKeyKey: this.rootCredentials.keyName(ROOT_USER),
      secretKeyKey: this.rootCredentials.keyName(ROOT_PASSWORD),
    };
    const credentialEnv: k8s.EnvVar[] = [
      {
        name: 'MINIO_ROOT_USER',
        valueFrom: { secretKeyRef: this.rootCredentials.keyRef(ROOT_USER) },
      },
      {
        name: 'MINIO_ROOT_PASSWORD',
        valueFrom: { secretKeyRef: this.rootCredentials.keyRef(ROOT_PASSWORD) },
      },
    ];

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: MINIO_NAMES.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    const servicePort = (name: string, port: number): k8s.ServicePort => ({
      name,
      port,
      targetPort: k8s.IntOrString.fromString(name),
      protocol: 'TCP',
      appProtocol: 'http',
    });
    new k8s.KubeService(this, 'ApiService', {
      metadata: { name: MINIO_NAMES.apiService, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.serverSelector,
        ports: [servicePort('http-api', MINIO_NAMES.apiPort)],
      },
    });
    new k8s.KubeService(this, 'ConsoleService', {
      metadata: { name: MINIO_NAMES.consoleService, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.serverSelector,
        ports: [servicePort('http-console', MINIO_NAMES.consolePort)],
      },
    });
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: MINIO_NAMES.headlessService, namespace: ns, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.serverSelector,
        ports: [servicePort('http-api', MINIO_NAMES.apiPort)],
      },
    });

    const probe = (path: string, periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http-api'), scheme: 'HTTP' },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });
    const monitoring = props.monitoring;
    const statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: MINIO_NAMES.statefulSet, namespace: ns, labels },
      spec: {
        serviceName: MINIO_NAMES.headlessService,
        replicas: 1,
        selector: { matchLabels: this.serverSelector },
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          // The monitoring adds the sidecar's scrape annotations here.
          metadata: { labels, ...(monitoring ? { annotations: {} } : {}) },
          spec: {
            serviceAccountName: MINIO_NAMES.serviceAccount,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'minio',
                image: resolveImage(this, serverImage),
                args: [
                  'server',
                  '/data',
                  '--address',
                  `:${MINIO_NAMES.apiPort}`,
                  '--console-address',
                  `:${MINIO_NAMES.consolePort}`,
                  // The default certs dir is under $HOME, which is read-only here.
                  '--certs-dir',
                  '/tmp/certs',
                ],
                env: [
                  ...credentialEnv,
                  { name: 'MINIO_SITE_REGION', value: this.region },
                  // Public only with monitoring, where the DENY policy keeps clients out.
                  { name: 'MINIO_PROMETHEUS_AUTH_TYPE', value: monitoring ? 'public' : 'jwt' },
                ],
                ports: [
                  { name: 'http-api', containerPort: MINIO_NAMES.apiPort, protocol: 'TCP' },
                  { name: 'http-console', containerPort: MINIO_NAMES.consolePort, protocol: 'TCP' },
                ],
                startupProbe: probe('/minio/health/live', 5, 60),
                livenessProbe: probe('/minio/health/live', 20, 3),
                readinessProbe: probe('/minio/health/ready', 10, 3),
                resources: toResourceRequirements(props.resources ?? MINIO_DEFAULT_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'data', mountPath: '/data' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: 'data', labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
              resources: {
                requests: { storage: k8s.Quantity.fromString(`${this.storageGiB}Gi`) },
              },
            },
          },
        ],
      },
    });

    if (monitoring) {
      const percent = props.freeSpaceAlertPercent ?? OBJECT_STORE_DEFAULT_FREE_SPACE_PERCENT;
      if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
        throw new Error(
          `\`freeSpaceAlertPercent\` is not a whole percentage from 1 to 99 (got ${percent}). Use 15, or more for a store that fills fast.`,
        );
      }
      addMinioMonitoring(this, {
        monitoring,
        namespace: props.namespace,
        podLabels: this.serverSelector,
        statefulSet,
        labels: standardLabels({ name: 'minio', component: 'mesh-policy' }),
        freeSpacePercent: percent,
      });
    }

    this.bucketProvisioner(ns, bucketList, credentialEnv);
    for (const b of bucketList) {
      if (b.noncurrentVersionDays === undefined) continue;
      if (b.versioning === false) {
        throw new Error(
          `MinIO bucket ${b.name}: noncurrentVersionDays needs versioning, which is off. Turn versioning on or drop the rule.`,
        );
      }
      new BucketLifecycle(this, `Lifecycle-${b.name}`, {
        minio: this,
        bucket: b.name,
        noncurrentVersionExpirationDays: b.noncurrentVersionDays,
        clientImage: this.clientImage,
      });
    }
  }

  /**
   * A MinIO user and policy for `request.namespace` limited to its prefixes, made by a Job in the
   * cluster that also writes the Secret there (see `TenantObjectStoreAccess`).
   */
  public scopedCredentials(scope: Construct, request: ScopedCredentialsRequest): S3CredentialsRef {
    return this.scoped.getOrCreate(
      request,
      () =>
        new TenantObjectStoreAccess(
          scope,
          `ObjectStoreAccess-${request.identity ?? request.namespace}`,
          {
            minio: this,
            tenantNamespace: request.namespace,
            ...(request.bucket ? { bucket: request.bucket } : {}),
            prefixes: request.prefixes,
            ...(request.secretName ? { secretName: request.secretName } : {}),
            ...(request.identity ? { identity: request.identity } : {}),
            clientImage: this.clientImage,
          },
        ).credentials,
    );
  }

  public acceptClientsWithoutMesh(reason: string): void {
    this.plaintextPort ??= new PlaintextClientsPort(this, {
      name: 'minio-clients-without-mesh',
      namespace: this.namespaceName,
      labels: standardLabels({ name: 'minio', component: 'mesh-policy' }),
      selector: this.serverSelector,
      port: MINIO_NAMES.apiPort,
    });
    this.plaintextPort.accept(reason);
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.namespace.allowIngress(id, {
      description: 'S3 API of the object store',
      podLabels: this.serverSelector,
      from: [peer],
      ports: [{ port: MINIO_NAMES.apiPort }],
    });
  }

  /**
   * A Job that creates every bucket that does not exist yet and turns on versioning where asked.
   * It is idempotent, so re-applying the manifests re-runs it safely.
   */
  private bucketProvisioner(
    ns: string,
    buckets: readonly MinioBucket[],
    credentialEnv: k8s.EnvVar[],
  ): void {
    const name = MINIO_NAMES.bucketProvisioner;
    const jobLabels: ComponentLabelOptions = {
      name: 'minio',
      component: 'bucket-provisioner',
      version: versionLabel(this.clientImage),
    };
    const labels = standardLabels(jobLabels);
    const script = [
      'set -eu',
      'mc alias set platform "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null',
      'until mc ready platform; do echo "waiting for MinIO"; sleep 5; done',
      'for bucket in $BUCKETS; do mc mb --ignore-existing "platform/$bucket"; done',
      'for bucket in $VERSIONED_BUCKETS; do mc version enable "platform/$bucket"; done',
    ].join('\n');

    new k8s.KubeServiceAccount(this, 'ProvisionerServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeJob(this, 'BucketProvisioner', {
      metadata: { name, namespace: ns, labels },
      spec: {
        backoffLimit: 10,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            restartPolicy: 'OnFailure',
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'mc',
                image: resolveImage(this, this.clientImage),
                command: ['/bin/sh', '-c', script],
                env: [
                  ...credentialEnv,
                  { name: 'MINIO_ENDPOINT', value: this.endpointUrl },
                  { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
                  { name: 'BUCKETS', value: buckets.map((b) => b.name).join(' ') },
                  {
                    name: 'VERSIONED_BUCKETS',
                    value: buckets
                      .filter((b) => b.versioning ?? true)
                      .map((b) => b.name)
                      .join(' '),
                  },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [
              {
                name: 'tmp',
                emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Mi') },
              },
            ],
          },
        },
      },
    });
    this.grantAccess(
      'minio-from-bucket-provisioner',
      NetworkPeer.sameNamespace(selectorLabels(jobLabels)),
    );
  }
}

/** An image's tag as the `app.kubernetes.io/version` label, which allows at most 63 characters. */
function versionLabel(image: ImageRef): string {
  return image.tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}
