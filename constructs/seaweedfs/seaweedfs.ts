import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { PlaintextClientsPort } from '../core/mesh-policy';
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
import { SEAWEEDFS_NAMES } from './names';
import { IMonitoring } from '../core/monitoring';
import {
  SEAWEEDFS_DEFAULT_FREE_SPACE_PERCENT,
  addSeaweedFsMonitoring,
  seaweedFsMetricsArgs,
} from './monitoring';
import {
  SEAWEEDFS_SETUP_SCRIPT,
  SeaweedFsAdminAccess,
  SeaweedFsTenantAccess,
  memoryVolume,
  versionLabel,
  weedShellEnv,
} from './tenant-access';
import { SEAWEEDFS_VERSIONS } from './versions';

export interface SeaweedFsBucket {
  /** S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens). */
  readonly name: string;
  /**
   * Keep every version of an object (S3 bucket versioning), so that a dataset can be read as it
   * was. Set through the S3 API by the setup Job, which is idempotent.
   * @default true
   */
  readonly versioning?: boolean;
}

export interface SeaweedFsProps {
  /** The namespace SeaweedFS runs in; its network policy receives SeaweedFS's allows. */
  readonly namespace: INamespace;
  /**
   * Buckets to create. SeaweedFS 4.00 implements bucket versioning only through the S3 API
   * (`PutBucketVersioning`), so the setup Job turns it on with an S3 client after `weed shell`
   * has made the buckets. Lifecycle rules for noncurrent versions are not implemented by 4.00
   * (`PutBucketLifecycleConfigurationHandler` maps only `Expiration.Days` to a TTL).
   * @default [{ name: 'mlpipeline', versioning: true }]
   */
  readonly buckets?: readonly SeaweedFsBucket[];
  /** Size of the data volume. @default 20 (upstream's PVC) */
  readonly storageGiB?: number;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * The admin S3 identity's keys (keys `accessKey`, `secretKey`).
   * @default SecretSource.generated()
   */
  readonly adminCredentials?: SecretSource;
  /** @default SEAWEEDFS_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default SEAWEEDFS_VERSIONS */
  readonly images?: { readonly server?: ImageRef; readonly client?: ImageRef };
  /**
   * The cluster's monitoring: `weed server` serves metrics (`-metricsPort`), scraped through the
   * sidecar, and the object store's alerts (down, nearly full) are added.
   * @default - no metrics port, no scrape target, no alerts
   */
  readonly monitoring?: IMonitoring;
  /**
   * Free space, in percent of the data volume, below which `ObjectStoreNearlyFull` fires.
   * @default SEAWEEDFS_DEFAULT_FREE_SPACE_PERCENT (15)
   */
  readonly freeSpaceAlertPercent?: number;
}

/** Upstream requests 32m and 128Mi without limits; limits keep one store from starving a node. */
export const SEAWEEDFS_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '100m', limit: '2' },
  memory: { request: '256Mi', limit: '2Gi' },
};

const ACCESS_KEY = 'accessKey';
const SECRET_KEY = 'secretKey';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The server arguments of the distribution's Deployment (the image's entrypoint adds `-dir=/data
 * -volume.max=0 -master.volumePreallocate -master.volumeSizeLimitMB=1024` before them). `-iam` is
 * left out: the platform manages identities with `weed shell`, not the IAM API.
 */
export const SEAWEEDFS_SERVER_ARGS = [
  'server',
  '-dir=/data',
  '-s3',
  '-filer',
  '-master.volumePreallocate=false',
] as const;

/**
 * SeaweedFS as an in-cluster S3 store, as the Kubeflow 26.03.1 distribution runs it (`weed server`
 * with master, volume, filer and S3 in one pod) but as a StatefulSet with its own volume. The admin
 * S3 identity comes from a `SecretSource`: the server reads it from `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY` until the filer holds an IAM file, and the setup Job writes it into that
 * file (`s3.configure`), where the tenant identities live too. A static `-s3.config` file is not
 * used: SeaweedFS replaces every identity with the filer's IAM file whenever that changes, and
 * ignores the file on restart in favour of the static one, which would drop the tenants.
 * @see https://github.com/kubeflow/manifests/tree/master/applications/pipeline/upstream/third-party/seaweedfs
 */
export class SeaweedFs extends Construct implements IObjectStore, SeaweedFsAdminAccess {
  /**
   * Kubeflow Pipelines treats SeaweedFS as it treats MinIO (`minio://` pipeline roots, the
   * `mlpipeline-minio-artifact` Secret).
   */
  public readonly implementation = 'seaweedfs';
  public readonly host: string;
  public readonly port = SEAWEEDFS_NAMES.s3Port;
  public readonly secure = false;
  public readonly endpointUrl: string;
  /** SeaweedFS does not check the region; clients need one. */
  public readonly region = 'us-east-1';
  public readonly buckets: readonly string[];
  public readonly credentials: S3CredentialsRef;
  public readonly namespaceName: string;
  public readonly storageGiB: number;
  public readonly adminCredentials: SecretBinding;
  public readonly serverImage: ImageRef;
  public readonly clientImage: ImageRef;

  private readonly namespace: INamespace;
  private readonly serverSelector: Record<string, string>;
  private plaintextPort?: PlaintextClientsPort;
  private readonly scoped: ScopedCredentialsRegistry;

  public constructor(scope: Construct, id: string, props: SeaweedFsProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const bucketList = props.buckets ?? [{ name: 'mlpipeline' }];
    validate(bucketList, props.storageGiB);
    this.namespace = props.namespace;
    this.namespaceName = ns;
    this.buckets = bucketList.map((b) => b.name);
    this.scoped = new ScopedCredentialsRegistry(this.buckets[0] ?? '');
    this.storageGiB = props.storageGiB ?? 20;
    this.host = `${SEAWEEDFS_NAMES.apiService}.${ns}.svc.cluster.local`;
    this.endpointUrl = `http://${this.host}:${this.port}`;
    this.serverImage = props.images?.server ?? SEAWEEDFS_VERSIONS.server;
    this.clientImage = props.images?.client ?? SEAWEEDFS_VERSIONS.client;

    const server: ComponentLabelOptions = {
      name: 'seaweedfs',
      component: 'server',
      version: versionLabel(this.serverImage),
    };
    this.serverSelector = selectorLabels(server);
    const labels = standardLabels(server);

    this.adminCredentials = (props.adminCredentials ?? SecretSource.generated()).bind(
      this,
      'AdminCredentials',
      {
        namespace: ns,
        secretName: SEAWEEDFS_NAMES.adminCredentialsSecret,
        keys: [ACCESS_KEY, SECRET_KEY],
        labels: server,
      },
    );
    this.credentials = {
      secretName: this.adminCredentials.secretName,
      namespace: ns,
      accessKeyKey: this.adminCredentials.keyName(ACCESS_KEY),
      secretKeyKey: this.adminCredentials.keyName(SECRET_KEY),
    };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: SEAWEEDFS_NAMES.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });

    const port = (name: string, p: number, appProtocol = 'http'): k8s.ServicePort => ({
      name,
      port: p,
      targetPort: k8s.IntOrString.fromString(name),
      protocol: 'TCP',
      appProtocol,
    });
    new k8s.KubeService(this, 'ApiService', {
      metadata: { name: SEAWEEDFS_NAMES.apiService, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.serverSelector,
        ports: [port('http-s3', SEAWEEDFS_NAMES.s3Port)],
      },
    });
    new k8s.KubeService(this, 'AdminService', {
      metadata: { name: SEAWEEDFS_NAMES.adminService, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector: this.serverSelector,
        ports: [
          port('http-master', SEAWEEDFS_NAMES.masterPort),
          port('grpc-master', SEAWEEDFS_NAMES.masterGrpcPort, 'grpc'),
          port('http-filer', SEAWEEDFS_NAMES.filerPort),
          port('grpc-filer', SEAWEEDFS_NAMES.filerGrpcPort, 'grpc'),
        ],
      },
    });
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: SEAWEEDFS_NAMES.headlessService, namespace: ns, labels },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.serverSelector,
        ports: [port('http-s3', SEAWEEDFS_NAMES.s3Port)],
      },
    });

    const probe = (periodSeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/status', port: k8s.IntOrString.fromString('http-s3'), scheme: 'HTTP' },
      periodSeconds,
      timeoutSeconds: 5,
      failureThreshold,
    });
    const monitoring = props.monitoring;
    const statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: SEAWEEDFS_NAMES.statefulSet, namespace: ns, labels },
      spec: {
        serviceName: SEAWEEDFS_NAMES.headlessService,
        replicas: 1,
        selector: { matchLabels: this.serverSelector },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          // The monitoring adds the sidecar's scrape annotations here.
          metadata: { labels, ...(monitoring ? { annotations: {} } : {}) },
          spec: {
            serviceAccountName: SEAWEEDFS_NAMES.serviceAccount,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // The image's USER is seaweed (1000:1000), which owns /data in the image.
            securityContext: restrictedPodSecurityContext(),
            containers: [
              {
                name: 'seaweedfs',
                image: resolveImage(this, this.serverImage),
                args: [...SEAWEEDFS_SERVER_ARGS, ...(monitoring ? seaweedFsMetricsArgs() : [])],
                env: [
                  {
                    name: 'AWS_ACCESS_KEY_ID',
                    valueFrom: { secretKeyRef: this.adminCredentials.keyRef(ACCESS_KEY) },
                  },
                  {
                    name: 'AWS_SECRET_ACCESS_KEY',
                    valueFrom: { secretKeyRef: this.adminCredentials.keyRef(SECRET_KEY) },
                  },
                ],
                ports: [
                  { name: 'http-s3', containerPort: SEAWEEDFS_NAMES.s3Port, protocol: 'TCP' },
                  {
                    name: 'http-master',
                    containerPort: SEAWEEDFS_NAMES.masterPort,
                    protocol: 'TCP',
                  },
                  {
                    name: 'grpc-master',
                    containerPort: SEAWEEDFS_NAMES.masterGrpcPort,
                    protocol: 'TCP',
                  },
                  { name: 'http-filer', containerPort: SEAWEEDFS_NAMES.filerPort, protocol: 'TCP' },
                  {
                    name: 'grpc-filer',
                    containerPort: SEAWEEDFS_NAMES.filerGrpcPort,
                    protocol: 'TCP',
                  },
                  ...(monitoring
                    ? [
                        {
                          name: 'http-metrics',
                          containerPort: SEAWEEDFS_NAMES.metricsPort,
                          protocol: 'TCP',
                        },
                      ]
                    : []),
                ],
                startupProbe: probe(5, 60),
                livenessProbe: probe(30, 3),
                readinessProbe: probe(10, 3),
                resources: toResourceRequirements(props.resources ?? SEAWEEDFS_DEFAULT_RESOURCES),
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
      const percent = props.freeSpaceAlertPercent ?? SEAWEEDFS_DEFAULT_FREE_SPACE_PERCENT;
      if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
        throw new Error(
          `\`freeSpaceAlertPercent\` is not a whole percentage from 1 to 99 (got ${percent}). Use 15, or more for a store that fills fast.`,
        );
      }
      addSeaweedFsMonitoring(this, {
        monitoring,
        namespace: props.namespace,
        podLabels: this.serverSelector,
        statefulSet,
        freeSpacePercent: percent,
      });
    }

    this.setupJob(
      ns,
      bucketList.filter((b) => b.versioning ?? true).map((b) => b.name),
    );
  }

  /**
   * Port-level PERMISSIVE mTLS on the S3 port, for clients without a sidecar (Kubeflow Pipelines'
   * steps). Keys still authorize every request, and network policy still decides who connects.
   * One PeerAuthentication, carrying every reason given.
   */
  public acceptClientsWithoutMesh(reason: string): void {
    this.plaintextPort ??= new PlaintextClientsPort(this, {
      name: 'seaweedfs-clients-without-mesh',
      namespace: this.namespaceName,
      labels: standardLabels({ name: 'seaweedfs', component: 'mesh-policy' }),
      selector: this.serverSelector,
      port: SEAWEEDFS_NAMES.s3Port,
    });
    this.plaintextPort.accept(reason);
  }

  /**
   * A SeaweedFS identity for `request.namespace` limited to its prefixes, made by a Job in
   * SeaweedFS's namespace that also writes the Secret there (see `SeaweedFsTenantAccess`).
   */
  public scopedCredentials(scope: Construct, request: ScopedCredentialsRequest): S3CredentialsRef {
    return this.scoped.getOrCreate(
      request,
      () =>
        new SeaweedFsTenantAccess(
          scope,
          `ObjectStoreAccess-${request.identity ?? request.namespace}`,
          {
            store: this,
            tenantNamespace: request.namespace,
            ...(request.bucket ? { bucket: request.bucket } : {}),
            prefixes: request.prefixes,
            ...(request.secretName ? { secretName: request.secretName } : {}),
            ...(request.identity ? { identity: request.identity } : {}),
          },
        ).credentials,
    );
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.namespace.allowIngress(id, {
      description: 'S3 API of the object store',
      podLabels: this.serverSelector,
      from: [peer],
      ports: [{ port: SEAWEEDFS_NAMES.s3Port }],
    });
  }

  /**
   * Master and filer ports, which have no authentication: whoever reaches them administers the
   * store. Only the platform's own Jobs in SeaweedFS's namespace get this.
   */
  public grantShellAccess(id: string, peer: NetworkPeer): void {
    this.namespace.allowIngress(id, {
      description: 'weed shell: S3 status, master and filer of the object store',
      podLabels: this.serverSelector,
      from: [peer],
      ports: [
        { port: SEAWEEDFS_NAMES.s3Port },
        { port: SEAWEEDFS_NAMES.masterPort },
        { port: SEAWEEDFS_NAMES.masterGrpcPort },
        { port: SEAWEEDFS_NAMES.filerPort },
        { port: SEAWEEDFS_NAMES.filerGrpcPort },
      ],
    });
  }

  /**
   * Creates the buckets and the admin identity (`weed shell`), then turns versioning on where asked
   * (`mc`, through the S3 API as the admin identity); idempotent, so re-applying re-runs it safely.
   */
  private setupJob(ns: string, versionedBuckets: readonly string[]): void {
    const name = SEAWEEDFS_NAMES.setupJob;
    const jobLabels: ComponentLabelOptions = {
      name: 'seaweedfs',
      component: 'setup',
      version: versionLabel(this.serverImage),
    };
    const labels = standardLabels(jobLabels);
    new k8s.KubeServiceAccount(this, 'SetupServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeJob(this, 'Setup', {
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
            initContainers: [
              {
                name: 'weed-shell',
                image: resolveImage(this, this.serverImage),
                command: ['/bin/sh', '-c', SEAWEEDFS_SETUP_SCRIPT],
                env: [...weedShellEnv(this), { name: 'BUCKETS', value: this.buckets.join(' ') }],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            containers: [
              {
                name: 'versioning',
                image: resolveImage(this, this.clientImage),
                command: ['/bin/sh', '-c', SEAWEEDFS_VERSIONING_SCRIPT],
                env: [
                  { name: 'S3_ENDPOINT', value: this.endpointUrl },
                  { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
                  {
                    name: 'ADMIN_ACCESS_KEY',
                    valueFrom: { secretKeyRef: this.adminCredentials.keyRef(ACCESS_KEY) },
                  },
                  {
                    name: 'ADMIN_SECRET_KEY',
                    valueFrom: { secretKeyRef: this.adminCredentials.keyRef(SECRET_KEY) },
                  },
                  { name: 'VERSIONED_BUCKETS', value: versionedBuckets.join(' ') },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [memoryVolume('tmp', '16Mi')],
          },
        },
      },
    });
    this.grantShellAccess(
      'seaweedfs-from-setup',
      NetworkPeer.sameNamespace(selectorLabels(jobLabels)),
    );
  }
}

/**
 * Turns bucket versioning on through the S3 API (`mc version enable` is idempotent); an empty
 * list does nothing. The same steps as the MinIO store's bucket provisioner.
 */
export const SEAWEEDFS_VERSIONING_SCRIPT = [
  'set -eu',
  'mc alias set store "$S3_ENDPOINT" "$ADMIN_ACCESS_KEY" "$ADMIN_SECRET_KEY" >/dev/null',
  'for bucket in $VERSIONED_BUCKETS; do mc version enable "store/$bucket"; done',
].join('\n');

function validate(buckets: readonly SeaweedFsBucket[], storageGiB: number | undefined): void {
  const problems: string[] = [];
  if (buckets.length === 0) {
    problems.push('`buckets` is empty (got []). Give at least one bucket, or leave it out.');
  }
  buckets.forEach((b, i) => {
    if (!BUCKET_NAME.test(b.name)) {
      problems.push(
        `\`buckets[${i}].name\` is not an S3 bucket name (got "${b.name}"). Use 3 to 63 lower-case letters, digits, dots and hyphens, such as mlpipeline.`,
      );
    }
  });
  if (storageGiB !== undefined && (!Number.isInteger(storageGiB) || storageGiB < 1)) {
    problems.push(
      `\`storageGiB\` is not a positive whole number (got ${storageGiB}). Use for example 20.`,
    );
  }
  if (problems.length > 0) throw new Error(`SeaweedFs:\n${problems.join('\n')}`);
}
