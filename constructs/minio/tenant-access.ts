import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { MAX_LABEL_NAME, boundedName } from '../core/names';
import { NetworkPeer } from '../core/network';
import { S3CredentialsRef } from '../core/object-store';
import { JOB_RESOURCES, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL } from '../core/validation';
import { CORE_IMAGES } from '../core/versions';
import { MINIO_VERSIONS } from './versions';

/**
 * What the tenant Jobs need of MinIO: the in-cluster `Minio` construct satisfies it. The root
 * credentials' namespace is MinIO's namespace; the Jobs run there, so the root Secret never leaves it.
 */
export interface MinioAdminAccess {
  readonly implementation: 'minio';
  /** `http://minio.<namespace>.svc.cluster.local:9000`. */
  readonly endpointUrl: string;
  /** The buckets MinIO creates; a tenant's artifact bucket must be one of them. */
  readonly buckets: readonly string[];
  /** The root credentials (a Secret in MinIO's namespace). */
  readonly credentials: S3CredentialsRef;
  grantAccess(id: string, peer: NetworkPeer): void;
}

/** The keys of the tenant's Secret, as Kubeflow Pipelines reads them (`sync.py`). */
export const TENANT_S3_KEYS = { accessKey: 'accesskey', secretKey: 'secretkey' } as const;

export const TENANT_OBJECT_STORE_DEFAULTS = {
  bucket: 'mlpipeline',
  /** KFP 2.16.1's profile controller names the Secret so; the launcher and Argo read it. */
  secretName: 'mlpipeline-minio-artifact',
  /** Length of the generated secret key (MinIO generates 40 as well). */
  secretKeyLength: 40,
} as const;

/**
 * The prefixes KFP 2.16.1 uses for namespace `ns` in multi-user mode: Argo's `keyFormat`
 * (`private-artifacts/<ns>/{{workflow.name}}/...`, which holds the launcher's default pipeline root
 * `minio://mlpipeline/private-artifacts/<ns>/v2/artifacts`) and `private/<ns>/`.
 * @see https://github.com/kubeflow/pipelines/blob/2.16.1/manifests/kustomize/base/installs/multi-user/pipelines-profile-controller/sync.py
 */
export function tenantPrefixes(ns: string): string[] {
  return [`private-artifacts/${ns}/`, `private/${ns}/`];
}

/** The MinIO user (and policy) name of a tenant namespace: `tenant-<ns>`. */
export function tenantAccessKey(ns: string): string {
  return `tenant-${ns}`;
}

/** An IAM policy document as MinIO reads it. */
export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly {
    readonly Sid: string;
    readonly Effect: 'Allow';
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: Record<string, Record<string, readonly string[]>>;
  }[];
}

/**
 * The policy of one tenant: read, write and delete objects under its own prefixes of `bucket`,
 * list only there, and everything in its datasets bucket. `s3:ListBucket` is conditioned on
 * `s3:prefix` matching `<prefix>*`; the prefixes end with `/`, so `private/team/` never matches
 * `private/team-b/`. Nothing else: no `artifacts/*` or `shared/*` reads (upstream's SeaweedFS
 * policy grants them, but under KFP's multi-user key format they hold nothing a tenant writes,
 * and reading them would show one tenant what another left there).
 */
export function tenantPolicy(opts: {
  readonly bucket: string;
  readonly prefixes: readonly string[];
  readonly datasetsBucket?: string;
}): IamPolicy {
  const arn = (resource: string): string => `arn:aws:s3:::${resource}`;
  const objectActions = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];
  const datasets = opts.datasetsBucket;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BucketLocation',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation'],
        Resource: [arn(opts.bucket), ...(datasets ? [arn(datasets)] : [])],
      },
      {
        Sid: 'ListOwnPrefixes',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [arn(opts.bucket)],
        Condition: { StringLike: { 's3:prefix': opts.prefixes.map((p) => `${p}*`) } },
      },
      {
        Sid: 'ObjectsUnderOwnPrefixes',
        Effect: 'Allow',
        Action: objectActions,
        Resource: opts.prefixes.map((p) => arn(`${opts.bucket}/${p}*`)),
      },
      ...(datasets
        ? [
            {
              Sid: 'ListDatasets',
              Effect: 'Allow' as const,
              Action: ['s3:ListBucket'],
              Resource: [arn(datasets)],
            },
            {
              Sid: 'DatasetObjects',
              Effect: 'Allow' as const,
              Action: objectActions,
              Resource: [arn(`${datasets}/*`)],
            },
          ]
        : []),
    ],
  };
}

export interface TenantObjectStoreAccessProps {
  /** The in-cluster MinIO (`Minio`). */
  readonly minio: MinioAdminAccess;
  /** The tenant's namespace, which receives the Secret. */
  readonly tenantNamespace: string;
  /** The artifact bucket; one of `minio.buckets`. @default 'mlpipeline' */
  readonly bucket?: string;
  /**
   * Prefixes of `bucket` the tenant owns, each ending with `/`.
   * @default tenantPrefixes(tenantNamespace): `private-artifacts/<ns>/` and `private/<ns>/`
   */
  readonly prefixes?: readonly string[];
  /**
   * A bucket of the tenant's own (created if missing), wholly readable and writable by it.
   * @default - none
   */
  readonly datasetsBucket?: string;
  /** @default 'mlpipeline-minio-artifact' */
  readonly secretName?: string;
  /**
   * Names the MinIO user and the Job, ServiceAccount, Role and RoleBinding that provision it, for a
   * second identity in a namespace that has one. @default - the tenant namespace
   */
  readonly identity?: string;
  /**
   * The `mc` image. Pass the one `Minio` was given (`images.client`) if it was overridden.
   * @default MINIO_VERSIONS.client
   */
  readonly clientImage?: ImageRef;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.()'-][A-Za-z0-9!_.()'/-]*\/$/;
/** The nonroot user of the kubectl image (as `KubectlJob`); `mc` is a static binary and runs as any user. */
const JOB_UID = 65532;
/** Where kubectl looks for in-cluster credentials. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Writes the tenant's Secret if it lacks the tenant's key (bash, kubectl image) and hands the key
 * to the `mc` container through a memory volume. An existing key of `$TENANT_USER` is kept; a
 * Secret with another access key (e.g. a copy of the root keys) gets a fresh pair. The key never
 * appears in a command line: printf is a builtin, base64 reads it from a pipe.
 */
export const TENANT_SECRET_SCRIPT = [
  'set -euo pipefail',
  'umask 077',
  'get() { kubectl get secret "$SECRET_NAME" --namespace "$TENANT_NAMESPACE" "$@"; }',
  'b64() { printf \'%s\' "$1" | base64 -w0; }',
  "key=''",
  'exists=0',
  'if [[ -n "$(get --ignore-not-found -o name)" ]]; then',
  '  exists=1',
  `  if [[ "$(get -o 'jsonpath={.data.${TENANT_S3_KEYS.accessKey}}' | base64 -d)" == "$TENANT_USER" ]]; then`,
  `    key=$(get -o 'jsonpath={.data.${TENANT_S3_KEYS.secretKey}}' | base64 -d)`,
  '  fi',
  'fi',
  'if [[ ${#key} -ge 8 && "$key" != *[[:space:]]* ]]; then',
  '  echo "Secret $SECRET_NAME in $TENANT_NAMESPACE holds the key of $TENANT_USER; keeping it."',
  'else',
  "  value=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')",
  '  key=${value:0:$SECRET_KEY_LENGTH}',
  `  data=$(printf '{"${TENANT_S3_KEYS.accessKey}":"%s","${TENANT_S3_KEYS.secretKey}":"%s"}' "$(b64 "$TENANT_USER")" "$(b64 "$key")")`,
  '  if [[ $exists == 1 ]]; then',
  '    printf \'{"data":%s}\' "$data" > /tmp/patch.json',
  '    kubectl patch secret "$SECRET_NAME" --namespace "$TENANT_NAMESPACE" --type merge --patch-file /tmp/patch.json',
  '    echo "Secret $SECRET_NAME in $TENANT_NAMESPACE held no key of $TENANT_USER; wrote a new one."',
  '  else',
  '    printf \'{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","namespace":"%s","labels":%s},"data":%s}\' "$SECRET_NAME" "$TENANT_NAMESPACE" "$SECRET_LABELS" "$data" > /tmp/secret.json',
  '    # A failed create (another run created it meanwhile) fails the pod; the retry keeps that key.',
  '    kubectl create --filename /tmp/secret.json',
  '    echo "Secret $SECRET_NAME created in $TENANT_NAMESPACE."',
  '  fi',
  '  rm -f /tmp/patch.json /tmp/secret.json',
  'fi',
  // The two lines `mc admin user add ALIAS` reads from stdin when given no keys.
  'printf \'%s\\n%s\\n\' "$TENANT_USER" "$key" > /handoff/credentials',
].join('\n');

/**
 * Makes the MinIO user, its policy and its bucket (POSIX sh, `mc` image). Each step converges:
 * `user add` of an existing user sets the same key, `policy create` replaces the document, `policy
 * attach` accepts a policy already attached, `mb --ignore-existing` keeps a bucket.
 * @see https://github.com/minio/mc/blob/RELEASE.2025-08-13T08-35-41Z/cmd/admin-user-add.go
 * @see https://github.com/minio/mc/blob/RELEASE.2025-08-13T08-35-41Z/cmd/admin-policy-attach.go
 */
export const TENANT_MINIO_SCRIPT = [
  'set -eu',
  'mc alias set platform "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null',
  'until mc ready platform; do echo "waiting for MinIO"; sleep 5; done',
  'for bucket in $TENANT_BUCKETS; do mc mb --ignore-existing "platform/$bucket"; done',
  'mc admin user add platform < /handoff/credentials',
  'rm -f /handoff/credentials',
  'printf \'%s\' "$POLICY" > /tmp/policy.json',
  'mc admin policy create platform "$POLICY_NAME" /tmp/policy.json',
  'mc admin policy attach platform "$POLICY_NAME" --user "$TENANT_USER"',
].join('\n');

/** Where the Jobs mount the scripts, and their file names in the shared ConfigMap. */
const SCRIPTS_DIR = '/scripts';
const SCRIPT_FILES = { secret: 'tenant-secret.sh', minio: 'tenant-minio.sh' } as const;

/** The shared scripts ConfigMap of each MinIO, made with the first tenant that needs it. */
const scriptMaps = new WeakMap<object, string>();

function scriptsOnce(
  scope: Construct,
  minio: MinioAdminAccess,
  namespace: string,
  labels: Record<string, string>,
): string {
  const existing = scriptMaps.get(minio);
  if (existing) return existing;
  const name = TENANT_ACCESS_SCRIPTS;
  new k8s.KubeConfigMap(scope, 'Scripts', {
    metadata: { name, namespace, labels },
    data: {
      [SCRIPT_FILES.secret]: TENANT_SECRET_SCRIPT,
      [SCRIPT_FILES.minio]: TENANT_MINIO_SCRIPT,
    },
  });
  scriptMaps.set(minio, name);
  return name;
}

/** The ConfigMap with the scripts every tenant-access Job runs, in MinIO's namespace. */
export const TENANT_ACCESS_SCRIPTS = 'tenant-access-scripts';

/** Tracks the network allows already added, so that 1,000 tenants share one NetworkPolicy. */
const granted = new WeakMap<object, Set<string>>();

function grantOnce(minio: MinioAdminAccess, id: string, labels: Record<string, string>): void {
  let ids = granted.get(minio);
  if (!ids) {
    ids = new Set();
    granted.set(minio, ids);
  }
  if (ids.has(id)) return;
  ids.add(id);
  minio.grantAccess(id, NetworkPeer.sameNamespace(labels));
}

/** An image's tag as the `app.kubernetes.io/version` label, which allows at most 63 characters. */
function versionLabel(image: ImageRef): string {
  return image.tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

/** The env of an `mc` container: endpoint, root credentials by reference, a writable config dir. */
function mcEnv(minio: MinioAdminAccess): k8s.EnvVar[] {
  const root = minio.credentials;
  return [
    { name: 'MINIO_ENDPOINT', value: minio.endpointUrl },
    {
      name: 'MINIO_ROOT_USER',
      valueFrom: { secretKeyRef: { name: root.secretName, key: root.accessKeyKey } },
    },
    {
      name: 'MINIO_ROOT_PASSWORD',
      valueFrom: { secretKeyRef: { name: root.secretName, key: root.secretKeyKey } },
    },
    { name: 'MC_CONFIG_DIR', value: '/tmp/.mc' },
  ];
}

const memoryVolume = (name: string, size: string): k8s.Volume => ({
  name,
  emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(size) },
});

/**
 * A tenant's own MinIO user: a policy limited to its prefixes (and datasets bucket), a secret key
 * generated once in the cluster, and the Secret `mlpipeline-minio-artifact` in the tenant's
 * namespace that KFP's launcher and Argo's artifact repository read.
 *
 * One Job in MinIO's namespace does it, so the root Secret stays there: an init container
 * (kubectl, the only one with an API token) writes the tenant's Secret unless it already holds
 * the tenant's key, and hands the key over a memory volume to the main container (`mc`, the only
 * one with the root credentials), which creates the user, the policy and the attachment. Its
 * Role in the tenant namespace may `get` and `patch` only that Secret and `create` Secrets
 * (`create` cannot be narrowed by name); it reads nothing else there.
 *
 * Objects per tenant: ServiceAccount and Job (MinIO's namespace), Role and RoleBinding (tenant
 * namespace); every tenant shares one NetworkPolicy allow to MinIO's API.
 */
export class TenantObjectStoreAccess extends Construct {
  /** Where consumers (Argo's artifact repository, KFP's launcher) read the tenant's keys. */
  public readonly credentials: S3CredentialsRef;
  /** The MinIO user, `tenant-<ns>`; also the name of its policy. */
  public readonly accessKey: string;
  public readonly policyName: string;
  public readonly policy: IamPolicy;
  public readonly bucket: string;
  public readonly prefixes: readonly string[];
  public readonly datasetsBucket?: string;
  /** Name of the Job and its ServiceAccount, Role and RoleBinding. */
  public readonly jobName: string;

  public constructor(scope: Construct, id: string, props: TenantObjectStoreAccessProps) {
    super(scope, id);
    const ns = props.tenantNamespace;
    const bucket = props.bucket ?? TENANT_OBJECT_STORE_DEFAULTS.bucket;
    const prefixes = props.prefixes ?? tenantPrefixes(ns);
    const secretName = props.secretName ?? TENANT_OBJECT_STORE_DEFAULTS.secretName;
    const datasets = props.datasetsBucket;
    validate(props, bucket, prefixes, secretName);

    this.bucket = bucket;
    this.prefixes = [...prefixes];
    if (datasets !== undefined) this.datasetsBucket = datasets;
    const identity = props.identity ?? ns;
    this.accessKey = tenantAccessKey(identity);
    this.policyName = this.accessKey;
    this.policy = tenantPolicy({
      bucket,
      prefixes,
      ...(datasets ? { datasetsBucket: datasets } : {}),
    });
    this.credentials = {
      secretName,
      namespace: ns,
      accessKeyKey: TENANT_S3_KEYS.accessKey,
      secretKeyKey: TENANT_S3_KEYS.secretKey,
    };

    const minioNs = props.minio.credentials.namespace;
    const clientImage = props.clientImage ?? MINIO_VERSIONS.client;
    const name = boundedName(['tenant-access', identity], { max: MAX_LABEL_NAME });
    this.jobName = name;
    const jobLabels: ComponentLabelOptions = {
      name: 'minio',
      component: 'tenant-access',
      version: versionLabel(clientImage),
    };
    const labels = standardLabels(jobLabels);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: minioNs, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: ns, labels },
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: [secretName],
          verbs: ['get', 'patch'],
        },
        // A create request carries no name in its URL, so resourceNames cannot narrow it: the Job
        // may create any Secret in this one namespace, but can read or change none but its own.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: minioNs }],
    });

    const secretLabels = standardLabels({ name: 'minio', component: 'tenant-credentials' });
    // The scripts are the same for every tenant: one ConfigMap next to MinIO, not a copy per Job.
    const scripts = scriptsOnce(this, props.minio, minioNs, labels);
    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace: minioNs, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            // Only the kubectl container gets a token (the volume below), not the one holding
            // MinIO's root credentials.
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: JOB_UID,
              runAsGroup: JOB_UID,
              fsGroup: JOB_UID,
            }),
            initContainers: [
              {
                name: 'secret',
                image: resolveImage(this, CORE_IMAGES.kubectl),
                command: ['/bin/bash', `${SCRIPTS_DIR}/${SCRIPT_FILES.secret}`],
                env: [
                  { name: 'SECRET_NAME', value: secretName },
                  { name: 'TENANT_NAMESPACE', value: ns },
                  { name: 'TENANT_USER', value: this.accessKey },
                  {
                    name: 'SECRET_KEY_LENGTH',
                    value: String(TENANT_OBJECT_STORE_DEFAULTS.secretKeyLength),
                  },
                  { name: 'SECRET_LABELS', value: JSON.stringify(secretLabels) },
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'tmp-kubectl', mountPath: '/tmp' },
                  { name: 'handoff', mountPath: '/handoff' },
                  { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
                  { name: 'api-token', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
                ],
              },
            ],
            containers: [
              {
                name: 'mc',
                image: resolveImage(this, clientImage),
                command: ['/bin/sh', `${SCRIPTS_DIR}/${SCRIPT_FILES.minio}`],
                env: [
                  ...mcEnv(props.minio),
                  { name: 'TENANT_USER', value: this.accessKey },
                  { name: 'POLICY_NAME', value: this.policyName },
                  { name: 'POLICY', value: JSON.stringify(this.policy) },
                  { name: 'TENANT_BUCKETS', value: datasets ?? '' },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'tmp-mc', mountPath: '/tmp' },
                  { name: 'handoff', mountPath: '/handoff' },
                  { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
                ],
              },
            ],
            volumes: [
              memoryVolume('tmp-kubectl', '8Mi'),
              memoryVolume('tmp-mc', '16Mi'),
              memoryVolume('handoff', '1Mi'),
              { name: 'scripts', configMap: { name: scripts } },
              {
                // What automountServiceAccountToken would mount, for one container only.
                name: 'api-token',
                projected: {
                  defaultMode: 0o444,
                  sources: [
                    { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
                    {
                      configMap: {
                        name: 'kube-root-ca.crt',
                        items: [{ key: 'ca.crt', path: 'ca.crt' }],
                      },
                    },
                    {
                      downwardApi: {
                        items: [
                          {
                            path: 'namespace',
                            fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                          },
                        ],
                      },
                    },
                  ],
                },
              },
            ],
          },
        },
      },
    });
    grantOnce(props.minio, 'minio-from-tenant-access', selectorLabels(jobLabels));
  }
}

function validate(
  props: TenantObjectStoreAccessProps,
  bucket: string,
  prefixes: readonly string[],
  secretName: string,
): void {
  const problems: string[] = [];
  const ns = props.tenantNamespace;
  if (!DNS_LABEL.test(ns)) {
    problems.push(
      `\`tenantNamespace\` is not a namespace name (got "${ns}"). Use a DNS label such as team-a.`,
    );
  }
  if (!props.minio.buckets.includes(bucket)) {
    problems.push(
      `\`bucket\` is not a bucket MinIO creates (got "${bucket}"). Use one of: ${props.minio.buckets.join(', ')}.`,
    );
  }
  if (prefixes.length === 0) {
    problems.push('`prefixes` is empty (got []). Give at least one prefix, or leave it out.');
  }
  prefixes.forEach((p, i) => {
    if (!PREFIX.test(p)) {
      problems.push(
        `\`prefixes[${i}]\` is not a literal key prefix ending with / (got "${p}"). Use letters, digits, / and -_.!'() only, such as private/${ns}/.`,
      );
    }
  });
  const datasets = props.datasetsBucket;
  if (datasets !== undefined && (!BUCKET_NAME.test(datasets) || datasets === bucket)) {
    problems.push(
      `\`datasetsBucket\` is not a bucket of the tenant's own (got "${datasets}"). Use a valid S3 bucket name other than the artifact bucket ${bucket}.`,
    );
  }
  if (!DNS_LABEL.test(secretName)) {
    problems.push(
      `\`secretName\` is not a Secret name (got "${secretName}"). Use a DNS label such as ${TENANT_OBJECT_STORE_DEFAULTS.secretName}.`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`TenantObjectStoreAccess ${ns}:\n${problems.join('\n')}`);
  }
}

export interface BucketLifecycleProps {
  /** The in-cluster MinIO (`Minio`). */
  readonly minio: MinioAdminAccess;
  /** A bucket with versioning on (the default of `Minio`'s buckets). */
  readonly bucket: string;
  /** Days after which a version that is no longer current is deleted (1 to 36500). */
  readonly noncurrentVersionExpirationDays: number;
  /** @default MINIO_VERSIONS.client */
  readonly clientImage?: ImageRef;
}

/** The ID of the rule `BucketLifecycle` writes. */
export const NONCURRENT_EXPIRATION_RULE_ID = 'noncurrent-version-expiration';

/**
 * The lifecycle configuration `mc ilm rule import` reads (minio-go's `lifecycle.Configuration` as
 * JSON): one rule for the whole bucket.
 */
export function noncurrentExpirationLifecycle(days: number): object {
  return {
    Rules: [
      {
        ID: NONCURRENT_EXPIRATION_RULE_ID,
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: days },
      },
    ],
  };
}

/**
 * Sets the bucket's whole lifecycle configuration. `mc ilm rule add` of the pinned release gives
 * every rule a new random ID (it has no `--id` flag), so each re-run would add a rule; `import`
 * replaces the configuration with the same document and converges.
 * @see https://github.com/minio/mc/blob/RELEASE.2025-08-13T08-35-41Z/cmd/ilm-rule-import.go
 */
export const BUCKET_LIFECYCLE_SCRIPT = [
  'set -eu',
  'mc alias set platform "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null',
  'until mc ready platform; do echo "waiting for MinIO"; sleep 5; done',
  'printf \'%s\' "$LIFECYCLE" | mc ilm rule import "platform/$BUCKET"',
].join('\n');

/**
 * Deletes old versions of a versioned bucket after `noncurrentVersionExpirationDays`, so that
 * versioning protects against mistakes without keeping every overwrite forever. A Job in MinIO's
 * namespace in the bucket provisioner's style; the bucket's lifecycle configuration becomes
 * exactly this rule (rules added by hand are replaced on each run).
 */
export class BucketLifecycle extends Construct {
  public readonly jobName: string;

  public constructor(scope: Construct, id: string, props: BucketLifecycleProps) {
    super(scope, id);
    const days = props.noncurrentVersionExpirationDays;
    const problems: string[] = [];
    if (!props.minio.buckets.includes(props.bucket)) {
      problems.push(
        `\`bucket\` is not a bucket MinIO creates (got "${props.bucket}"). Use one of: ${props.minio.buckets.join(', ')}.`,
      );
    }
    if (!Number.isInteger(days) || days < 1 || days > 36500) {
      problems.push(
        `\`noncurrentVersionExpirationDays\` is not a whole number of days from 1 to 36500 (got ${days}). Use for example 30.`,
      );
    }
    if (problems.length > 0) {
      throw new Error(`BucketLifecycle ${props.bucket}:\n${problems.join('\n')}`);
    }
    const ns = props.minio.credentials.namespace;
    const clientImage = props.clientImage ?? MINIO_VERSIONS.client;
    const name = boundedName(['minio-lifecycle', props.bucket], { max: MAX_LABEL_NAME });
    this.jobName = name;
    const jobLabels: ComponentLabelOptions = {
      name: 'minio',
      component: 'bucket-lifecycle',
      version: versionLabel(clientImage),
    };
    const labels = standardLabels(jobLabels);
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace: ns, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: JOB_UID,
              runAsGroup: JOB_UID,
              fsGroup: JOB_UID,
            }),
            containers: [
              {
                name: 'mc',
                image: resolveImage(this, clientImage),
                command: ['/bin/sh', '-c', BUCKET_LIFECYCLE_SCRIPT],
                env: [
                  ...mcEnv(props.minio),
                  { name: 'BUCKET', value: props.bucket },
                  { name: 'LIFECYCLE', value: JSON.stringify(noncurrentExpirationLifecycle(days)) },
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
    grantOnce(props.minio, 'minio-from-bucket-lifecycle', selectorLabels(jobLabels));
  }
}
