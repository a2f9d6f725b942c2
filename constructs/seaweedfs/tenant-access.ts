import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ImageRef, resolveImage } from '../core/images';
import { ComponentLabelOptions, selectorLabels, standardLabels } from '../core/labels';
import { MAX_LABEL_NAME, boundedName } from '../core/names';
import { NetworkPeer } from '../core/network';
import { S3CredentialsRef, SCOPED_CREDENTIAL_KEYS } from '../core/object-store';
import { JOB_RESOURCES, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { DNS_LABEL } from '../core/validation';
import { CORE_IMAGES } from '../core/versions';
import { SEAWEEDFS_NAMES } from './names';

/**
 * What the tenant Jobs need of SeaweedFS; the `SeaweedFs` construct satisfies it. The admin
 * credentials live in SeaweedFS's namespace; the Jobs run there, so they never leave it.
 */
export interface SeaweedFsAdminAccess {
  readonly namespaceName: string;
  /** `http://seaweedfs.<namespace>.svc.cluster.local:8333`. */
  readonly endpointUrl: string;
  readonly buckets: readonly string[];
  /** The admin S3 identity's keys (a Secret in SeaweedFS's namespace). */
  readonly credentials: S3CredentialsRef;
  /** The server image, which carries `weed shell`. */
  readonly serverImage: ImageRef;
  /** Lets `peer` reach the master and filer ports that `weed shell` talks to. */
  grantShellAccess(id: string, peer: NetworkPeer): void;
}

export const SEAWEEDFS_TENANT_DEFAULTS = {
  bucket: 'mlpipeline',
  /** KFP 2.16.1's profile controller names the Secret so; the launcher and Argo read it. */
  secretName: 'mlpipeline-minio-artifact',
  secretKeyLength: 40,
} as const;

/**
 * The prefixes KFP 2.16.1 gives namespace `ns` in multi-user mode (`sync.py`): its private
 * artifacts and `private/<ns>/`. Upstream also grants `artifacts/*` and `shared/*`, which are
 * shared by every tenant; they are left out here (see `seaweedFsTenantActions`).
 * @see https://github.com/kubeflow/pipelines/blob/2.16.1/manifests/kustomize/base/installs/multi-user/pipelines-profile-controller/sync.py
 */
export function seaweedFsTenantPrefixes(ns: string): string[] {
  return [`private-artifacts/${ns}/`, `private/${ns}/`];
}

/** The SeaweedFS identity (user and access key) of a tenant namespace: `tenant-<ns>`. */
export function seaweedFsTenantUser(ns: string): string {
  return `tenant-${ns}`;
}

/**
 * The identity actions of a tenant, as SeaweedFS 4.00's IAM API derives them from upstream's
 * policy (`GetActions` in `weed/iamapi/iamapi_management_handlers.go`: `s3:Get*` -> `Read`,
 * `s3:Put*` -> `Write`, `s3:List*` -> `List`, each `Action:<bucket>/<path>`). SeaweedFS checks
 * `Action:<bucket>/<key>` against an action ending in `*` by prefix (`canDo` in
 * `weed/s3api/auth_credentials.go`; a listing is checked against its `prefix`), and deletes are
 * `Write`. Each prefix ends with `/`, so `private/team/*` never reaches `private/team-b/`.
 */
export function seaweedFsTenantActions(bucket: string, prefixes: readonly string[]): string[] {
  return ['Read', 'Write', 'List'].flatMap((action) =>
    prefixes.map((p) => `${action}:${bucket}/${p}*`),
  );
}

/**
 * Writes the tenant's Secret if it lacks the tenant's key (bash, kubectl image) and hands the key
 * to the `weed shell` container through a memory volume. The same steps as MinIO's tenant Job
 * (constructs/minio/tenant-access.ts); components do not import each other, so it is repeated.
 * An existing key of `$TENANT_USER` is kept; a Secret with another access key gets a fresh pair.
 */
export const SEAWEEDFS_TENANT_SECRET_SCRIPT = [
  'set -euo pipefail',
  'umask 077',
  'get() { kubectl get secret "$SECRET_NAME" --namespace "$TENANT_NAMESPACE" "$@"; }',
  'b64() { printf \'%s\' "$1" | base64 -w0; }',
  "key=''",
  'exists=0',
  'if [[ -n "$(get --ignore-not-found -o name)" ]]; then',
  '  exists=1',
  `  if [[ "$(get -o 'jsonpath={.data.${SCOPED_CREDENTIAL_KEYS.accessKey}}' | base64 -d)" == "$TENANT_USER" ]]; then`,
  `    key=$(get -o 'jsonpath={.data.${SCOPED_CREDENTIAL_KEYS.secretKey}}' | base64 -d)`,
  '  fi',
  'fi',
  'if [[ ${#key} -ge 8 && "$key" =~ ^[A-Za-z0-9]+$ ]]; then',
  '  echo "Secret $SECRET_NAME in $TENANT_NAMESPACE holds the key of $TENANT_USER; keeping it."',
  'else',
  "  value=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')",
  '  key=${value:0:$SECRET_KEY_LENGTH}',
  `  data=$(printf '{"${SCOPED_CREDENTIAL_KEYS.accessKey}":"%s","${SCOPED_CREDENTIAL_KEYS.secretKey}":"%s"}' "$(b64 "$TENANT_USER")" "$(b64 "$key")")`,
  '  if [[ $exists == 1 ]]; then',
  '    printf \'{"data":%s}\' "$data" > /tmp/patch.json',
  '    kubectl patch secret "$SECRET_NAME" --namespace "$TENANT_NAMESPACE" --type merge --patch-file /tmp/patch.json',
  '    echo "Secret $SECRET_NAME in $TENANT_NAMESPACE held no key of $TENANT_USER; wrote a new one."',
  '  else',
  '    printf \'{"apiVersion":"v1","kind":"Secret","type":"Opaque","metadata":{"name":"%s","namespace":"%s","labels":%s},"data":%s}\' "$SECRET_NAME" "$TENANT_NAMESPACE" "$SECRET_LABELS" "$data" > /tmp/secret.json',
  '    kubectl create --filename /tmp/secret.json',
  '    echo "Secret $SECRET_NAME created in $TENANT_NAMESPACE."',
  '  fi',
  '  rm -f /tmp/patch.json /tmp/secret.json',
  'fi',
  'printf \'%s\\n%s\\n\' "$TENANT_USER" "$key" > /handoff/credentials',
].join('\n');

/**
 * The shell functions both SeaweedFS Jobs start with (POSIX sh of the SeaweedFS image): wait for
 * the S3 API, talk to `weed shell`, and make sure the admin identity is in the filer's IAM file.
 * `s3.configure` prints the whole IAM file, secret keys included, so its output is discarded;
 * keys reach `weed shell` on stdin through the builtin printf, never on a command line.
 */
const SHELL_PRELUDE = [
  'set -eu',
  'umask 077',
  'export HOME=/tmp',
  'until wget -q -O /dev/null "$S3_ENDPOINT/status"; do echo "waiting for SeaweedFS"; sleep 5; done',
  'wshell() { timeout 120 weed shell -master="$SEAWEEDFS_MASTER" -filer="$SEAWEEDFS_FILER"; }',
  'has_identity() { printf \'s3.configure\\n\' | wshell 2>/dev/null | grep -Fq "\\"$1\\""; }',
  'admin_line() { printf \'s3.configure -user %s -access_key %s -secret_key %s -actions Admin -apply\\n\' "$ADMIN_USER" "$ADMIN_ACCESS_KEY" "$ADMIN_SECRET_KEY"; }',
];

/**
 * Creates every missing bucket and writes the admin identity into the filer's IAM file (what
 * upstream's postStart hook does with `s3.bucket.create` and `s3.configure ... -actions Admin`).
 */
export const SEAWEEDFS_SETUP_SCRIPT = [
  ...SHELL_PRELUDE,
  "listed() { printf 's3.bucket.list\\n' | wshell 2>/dev/null | awk '{print $1}' | grep -Fxq \"$1\"; }",
  'for bucket in $BUCKETS; do',
  '  if listed "$bucket"; then echo "bucket $bucket exists"; else printf \'s3.bucket.create -name %s\\n\' "$bucket" | wshell; fi',
  '  listed "$bucket" || { echo "bucket $bucket was not created"; exit 1; }',
  'done',
  'admin_line | wshell >/dev/null 2>&1',
  'has_identity "$ADMIN_USER" || { echo "identity $ADMIN_USER was not written"; exit 1; }',
  'echo "identity $ADMIN_USER configured"',
].join('\n');

/**
 * Replaces the tenant's identity with exactly its actions and key (`s3.configure` only adds
 * actions to an existing identity, so it is deleted first), keeping the admin identity present:
 * SeaweedFS replaces all identities when the IAM file changes, and before the first write the
 * server knows only the admin it read from its environment.
 * @see https://github.com/seaweedfs/seaweedfs/blob/4.00/weed/shell/command_s3_configure.go
 */
export const SEAWEEDFS_TENANT_SCRIPT = [
  ...SHELL_PRELUDE,
  '{ read -r user; read -r key; } < /handoff/credentials',
  'rm -f /handoff/credentials',
  '{',
  '  admin_line',
  '  printf \'s3.configure -user %s -delete -apply\\n\' "$TENANT_USER"',
  '  printf \'s3.configure -user %s -access_key %s -secret_key %s -actions %s -apply\\n\' "$TENANT_USER" "$user" "$key" "$TENANT_ACTIONS"',
  '} | wshell >/dev/null 2>&1',
  'has_identity "$TENANT_USER" || { echo "identity $TENANT_USER was not written"; exit 1; }',
  'echo "identity $TENANT_USER configured"',
].join('\n');

/** The env of a `weed shell` container: endpoints and the admin keys by reference. */
export function weedShellEnv(store: SeaweedFsAdminAccess): k8s.EnvVar[] {
  const admin = store.credentials;
  const ns = store.namespaceName;
  const host = `${SEAWEEDFS_NAMES.adminService}.${ns}.svc.cluster.local`;
  return [
    { name: 'S3_ENDPOINT', value: store.endpointUrl },
    { name: 'SEAWEEDFS_MASTER', value: `${host}:${SEAWEEDFS_NAMES.masterPort}` },
    { name: 'SEAWEEDFS_FILER', value: `${host}:${SEAWEEDFS_NAMES.filerPort}` },
    { name: 'ADMIN_USER', value: SEAWEEDFS_NAMES.adminUser },
    {
      name: 'ADMIN_ACCESS_KEY',
      valueFrom: { secretKeyRef: { name: admin.secretName, key: admin.accessKeyKey } },
    },
    {
      name: 'ADMIN_SECRET_KEY',
      valueFrom: { secretKeyRef: { name: admin.secretName, key: admin.secretKeyKey } },
    },
  ];
}

export const memoryVolume = (name: string, size: string): k8s.Volume => ({
  name,
  emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(size) },
});

/** An image's tag as the `app.kubernetes.io/version` label, which allows at most 63 characters. */
export function versionLabel(image: ImageRef): string {
  return image.tag.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
}

/** Tracks the network allows already added, so that every tenant shares one NetworkPolicy. */
const granted = new WeakMap<object, Set<string>>();

function grantOnce(store: SeaweedFsAdminAccess, id: string, labels: Record<string, string>): void {
  let ids = granted.get(store);
  if (!ids) {
    ids = new Set();
    granted.set(store, ids);
  }
  if (ids.has(id)) return;
  ids.add(id);
  store.grantShellAccess(id, NetworkPeer.sameNamespace(labels));
}

export interface SeaweedFsTenantAccessProps {
  readonly store: SeaweedFsAdminAccess;
  /** The tenant's namespace, which receives the Secret. */
  readonly tenantNamespace: string;
  /** One of `store.buckets`. @default 'mlpipeline' */
  readonly bucket?: string;
  /** @default seaweedFsTenantPrefixes(tenantNamespace) */
  readonly prefixes?: readonly string[];
  /** @default 'mlpipeline-minio-artifact' */
  readonly secretName?: string;
  /**
   * Names the SeaweedFS identity and the Job, ServiceAccount, Role and RoleBinding that provision
   * it, for a second identity in a namespace that has one. @default - the tenant namespace
   */
  readonly identity?: string;
}

const PREFIX = /^[A-Za-z0-9!_.()'-][A-Za-z0-9!_.()'/-]*\/$/;
/** The nonroot user of the kubectl image; `weed` is a static binary and runs as any user. */
const JOB_UID = 65532;
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A tenant's own SeaweedFS identity, limited to its prefixes, with a secret key generated once in
 * the cluster, and the Secret `mlpipeline-minio-artifact` (keys `accesskey`, `secretkey`) in the
 * tenant's namespace. Upstream's profile controller does the same through SeaweedFS's IAM API
 * (`create_access_key`, `put_user_policy`); here one Job in SeaweedFS's namespace does it with
 * `weed shell`: an init container (kubectl, the only one with an API token) writes the tenant's
 * Secret and hands the key over a memory volume to the `weed shell` container (the only one with
 * the admin keys). Its Role in the tenant namespace may `get`/`patch` only that Secret and
 * `create` Secrets.
 */
export class SeaweedFsTenantAccess extends Construct {
  public readonly credentials: S3CredentialsRef;
  /** The identity name and access key, `tenant-<ns>`. */
  public readonly user: string;
  /** The identity's actions (`seaweedFsTenantActions`). */
  public readonly actions: readonly string[];
  public readonly bucket: string;
  public readonly prefixes: readonly string[];
  public readonly jobName: string;

  public constructor(scope: Construct, id: string, props: SeaweedFsTenantAccessProps) {
    super(scope, id);
    const ns = props.tenantNamespace;
    const bucket = props.bucket ?? SEAWEEDFS_TENANT_DEFAULTS.bucket;
    const prefixes = props.prefixes ?? seaweedFsTenantPrefixes(ns);
    const secretName = props.secretName ?? SEAWEEDFS_TENANT_DEFAULTS.secretName;
    validate(props, bucket, prefixes, secretName);

    this.bucket = bucket;
    this.prefixes = [...prefixes];
    const identity = props.identity ?? ns;
    this.user = seaweedFsTenantUser(identity);
    this.actions = seaweedFsTenantActions(bucket, prefixes);
    this.credentials = {
      secretName,
      namespace: ns,
      accessKeyKey: SCOPED_CREDENTIAL_KEYS.accessKey,
      secretKeyKey: SCOPED_CREDENTIAL_KEYS.secretKey,
    };

    const storeNs = props.store.namespaceName;
    const image = props.store.serverImage;
    const name = boundedName(['seaweedfs-tenant', identity], { max: MAX_LABEL_NAME });
    this.jobName = name;
    const jobLabels: ComponentLabelOptions = {
      name: 'seaweedfs',
      component: 'tenant-access',
      version: versionLabel(image),
    };
    const labels = standardLabels(jobLabels);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: storeNs, labels },
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
        // A create request carries no name, so resourceNames cannot narrow it.
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: storeNs }],
    });

    const secretLabels = standardLabels({ name: 'seaweedfs', component: 'tenant-credentials' });
    new k8s.KubeJob(this, 'Job', {
      metadata: { name, namespace: storeNs, labels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
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
            initContainers: [
              {
                name: 'secret',
                image: resolveImage(this, CORE_IMAGES.kubectl),
                command: ['/bin/bash', '-c', SEAWEEDFS_TENANT_SECRET_SCRIPT],
                env: [
                  { name: 'SECRET_NAME', value: secretName },
                  { name: 'TENANT_NAMESPACE', value: ns },
                  { name: 'TENANT_USER', value: this.user },
                  {
                    name: 'SECRET_KEY_LENGTH',
                    value: String(SEAWEEDFS_TENANT_DEFAULTS.secretKeyLength),
                  },
                  { name: 'SECRET_LABELS', value: JSON.stringify(secretLabels) },
                  { name: 'HOME', value: '/tmp' },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'tmp-kubectl', mountPath: '/tmp' },
                  { name: 'handoff', mountPath: '/handoff' },
                  { name: 'api-token', mountPath: SERVICE_ACCOUNT_DIR, readOnly: true },
                ],
              },
            ],
            containers: [
              {
                name: 'weed-shell',
                image: resolveImage(this, image),
                command: ['/bin/sh', '-c', SEAWEEDFS_TENANT_SCRIPT],
                env: [
                  ...weedShellEnv(props.store),
                  { name: 'TENANT_USER', value: this.user },
                  { name: 'TENANT_ACTIONS', value: this.actions.join(',') },
                ],
                resources: toResourceRequirements(JOB_RESOURCES),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [
                  { name: 'tmp-weed', mountPath: '/tmp' },
                  { name: 'handoff', mountPath: '/handoff' },
                ],
              },
            ],
            volumes: [
              memoryVolume('tmp-kubectl', '8Mi'),
              memoryVolume('tmp-weed', '16Mi'),
              memoryVolume('handoff', '1Mi'),
              {
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
    grantOnce(props.store, 'seaweedfs-from-tenant-access', selectorLabels(jobLabels));
  }
}

function validate(
  props: SeaweedFsTenantAccessProps,
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
  if (!props.store.buckets.includes(bucket)) {
    problems.push(
      `\`bucket\` is not a bucket SeaweedFS creates (got "${bucket}"). Use one of: ${props.store.buckets.join(', ')}.`,
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
  if (!DNS_LABEL.test(secretName)) {
    problems.push(
      `\`secretName\` is not a Secret name (got "${secretName}"). Use a DNS label such as ${SEAWEEDFS_TENANT_DEFAULTS.secretName}.`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`SeaweedFsTenantAccess ${ns}:\n${problems.join('\n')}`);
  }
}
