import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { IDatabase } from '../core/database';
import { resolveImage } from '../core/images';
import { HOLD_UNTIL_PROXY_STARTS, ISTIO_SECURITY_API_VERSION } from '../core/mesh-policy';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { clusterRbac, fromSecret, mysqlProblems, plain, replicaProblems } from './api-server';
import { KFP_ENABLED_NAMESPACE_LABELS, KFP_NAMES, KFP_PORTS } from './names';
import { KFP_LABELS } from './private/labels';
import { KFP_IMAGES } from './versions';

/** Requests and limits of the cache server (upstream sets none). */
export const CACHE_SERVER_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

/**
 * The cache server's ClusterRole in multi-user mode
 * (`base/installs/multi-user/cache/cluster-role.yaml`): it labels pods and workflows of every
 * namespace with their cache keys.
 */
export const CACHE_SERVER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
  {
    apiGroups: ['argoproj.io'],
    resources: ['workflows'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
];

/** The path the webhook serves (`MutateAPI` of `backend/src/cache/main.go`). */
export const CACHE_WEBHOOK_PATH = '/mutate';
/** Where the serving certificate is mounted (`TLSDir`). */
export const CACHE_CERT_DIR = '/etc/webhook/certs';
/** Only pods the compiler marks cacheable are sent to the webhook. */
export const CACHE_ENABLED_POD_LABELS: Readonly<Record<string, string>> = {
  'pipelines.kubeflow.org/cache_enabled': 'true',
};

/** cert-manager's cainjector fills the webhook's caBundle from this Certificate's CA. */
const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

export interface CacheServerProps {
  /** Where the cache server runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /** Keeps the cache entries (`cachedb`). MySQL only: the 2.16.1 cache server has no other driver. */
  readonly database: IDatabase;
  /** @default 'cachedb' */
  readonly databaseName?: string;
  /**
   * Signs the webhook's serving certificate; cainjector copies its CA into the webhook. It must
   * sign in-cluster Service names: a CA issuer, not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /**
   * Labels of the namespaces whose pipeline pods the webhook sees.
   * @default KFP_ENABLED_NAMESPACE_LABELS - `pipelines.kubeflow.org/enabled: "true"`
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** Staleness of a cache entry when the pipeline sets none (`DEFAULT_CACHE_STALENESS`, ISO 8601). @default '' - forever */
  readonly defaultCacheStaleness?: string;
  /** Upper bound of any staleness (`MAXIMUM_CACHE_STALENESS`, ISO 8601). @default '' - none */
  readonly maximumCacheStaleness?: string;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default CACHE_SERVER_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
}

/** The user upstream runs the Go images as. */
const KFP_UID = 1000;

/**
 * The cache server of Kubeflow Pipelines 2.16.1 (v1 pipelines' step cache): a mutating webhook
 * that replaces a cacheable step's pod by one that echoes the cached result. Deployment
 * `cache-server` (container `server`), its ClusterRole, the Service, a serving Certificate from
 * the platform issuer with cainjector filling the MutatingWebhookConfiguration (upstream's
 * cert-manager overlay, without the cache deployer), and its mesh and network allows.
 * @see https://github.com/kubeflow/pipelines/tree/2.16.1/backend/src/cache
 */
export class CacheServer extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly namespaceLabels: Readonly<Record<string, string>>;
  public readonly databaseName: string;
  /** `cache-server.<namespace>.svc`. */
  public readonly serviceHost: string;
  public readonly deployment: k8s.KubeDeployment;
  public readonly certificate: ApiObject;
  public readonly webhookConfiguration: k8s.KubeMutatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: CacheServerProps) {
    super(scope, id);
    const ns = props.namespace.name;
    const N = KFP_NAMES.cache;
    const P = KFP_PORTS;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? CACHE_SERVER_DEFAULT_RESOURCES;
    this.namespaceLabels = props.namespaceLabels ?? KFP_ENABLED_NAMESPACE_LABELS;
    this.databaseName = props.databaseName ?? 'cachedb';
    this.serviceHost = `${N.service}.${ns}.svc`;
    throwIfProblems('CacheServer', validate(props, this));

    const labels = KFP_LABELS.labels('cache-server');
    const selector = KFP_LABELS.selector('cache-server');

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: N.certificate, namespace: ns, labels: KFP_LABELS.labels('certificate') },
      spec: {
        secretName: N.certificateSecret,
        issuerRef: { ...props.issuer.issuerRef },
        // Upstream's names (env/cert-manager/base/cache-cert.yaml).
        dnsNames: [N.service, `${N.service}.${ns}`, this.serviceHost],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    clusterRbac(this, {
      namespace: ns,
      serviceAccount: N.serviceAccount,
      clusterRole: N.clusterRole,
      clusterRoleBinding: N.clusterRoleBinding,
      rules: CACHE_SERVER_RULES,
      labels,
      rbacLabels: KFP_LABELS.labels('rbac'),
    });

    const db = props.database.credentials(ns);
    const caching = {
      DEFAULT_CACHE_STALENESS: props.defaultCacheStaleness ?? '',
      MAXIMUM_CACHE_STALENESS: props.maximumCacheStaleness ?? '',
      CACHE_IMAGE: resolveImage(this, KFP_IMAGES.cacheStep),
      CACHE_NODE_RESTRICTIONS: 'false',
    };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: {
              'kubectl.kubernetes.io/default-container': N.container,
              // It connects to the database as it starts.
              ...HOLD_UNTIL_PROXY_STARTS,
            },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: KFP_UID,
              runAsGroup: KFP_UID,
              fsGroup: KFP_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, KFP_IMAGES.cacheServer),
                imagePullPolicy: 'IfNotPresent',
                env: [
                  ...Object.entries(caching).map(([k, v]) => plain(k, v)),
                  plain('DBCONFIG_DRIVER', 'mysql'),
                  plain('DBCONFIG_DB_NAME', this.databaseName),
                  plain('DBCONFIG_HOST_NAME', props.database.host),
                  plain('DBCONFIG_PORT', String(props.database.port)),
                  fromSecret('DBCONFIG_USER', db.username),
                  fromSecret('DBCONFIG_PASSWORD', db.password),
                  // Empty: every namespace (the multi-user patch).
                  plain('NAMESPACE_TO_WATCH', ''),
                  plain('WEBHOOK_PORT', String(P.cacheWebhook)),
                ],
                args: [
                  '--db_driver=$(DBCONFIG_DRIVER)',
                  '--db_host=$(DBCONFIG_HOST_NAME)',
                  '--db_port=$(DBCONFIG_PORT)',
                  '--db_name=$(DBCONFIG_DB_NAME)',
                  '--db_user=$(DBCONFIG_USER)',
                  '--db_password=$(DBCONFIG_PASSWORD)',
                  '--namespace_to_watch=$(NAMESPACE_TO_WATCH)',
                  '--listen_port=$(WEBHOOK_PORT)',
                  // cert-manager's file names (upstream's cert-manager overlay).
                  '--tls_cert_filename=tls.crt',
                  '--tls_key_filename=tls.key',
                  ...(props.database.tls.required ? ['--db_extra_params={"tls":"true"}'] : []),
                ],
                ports: [{ name: 'webhook-api', containerPort: P.cacheWebhook, protocol: 'TCP' }],
                // Upstream declares none and the server has no health path: ready once the TLS
                // port listens, which it does only after the database connection.
                readinessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromString('webhook-api') },
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  failureThreshold: 3,
                },
                livenessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromString('webhook-api') },
                  initialDelaySeconds: 30,
                  periodSeconds: 20,
                  timeoutSeconds: 1,
                  failureThreshold: 3,
                },
                volumeMounts: [
                  { name: 'webhook-tls-certs', mountPath: CACHE_CERT_DIR, readOnly: true },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              {
                name: 'webhook-tls-certs',
                secret: { secretName: N.certificateSecret, defaultMode: 0o444 },
              },
            ],
          },
        },
      },
    });
    if (this.replicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: { name: N.deployment, namespace: ns, labels },
        spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector } },
      });
    }

    new k8s.KubeService(this, 'Service', {
      metadata: { name: N.service, namespace: ns, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'https-webhook',
            port: P.cacheService,
            targetPort: k8s.IntOrString.fromString('webhook-api'),
            protocol: 'TCP',
          },
        ],
      },
    });

    this.webhookConfiguration = new k8s.KubeMutatingWebhookConfiguration(
      this,
      'MutatingWebhookConfiguration',
      {
        metadata: {
          name: `cache-webhook-${ns}`,
          labels,
          annotations: { [INJECT_CA_FROM_ANNOTATION]: `${ns}/${N.certificate}` },
        },
        webhooks: [
          {
            name: `${N.service}.${ns}.svc`,
            // The server decodes v1beta1 reviews only (backend/src/cache/server/admission.go).
            admissionReviewVersions: ['v1beta1'],
            clientConfig: {
              service: {
                name: N.service,
                namespace: ns,
                path: CACHE_WEBHOOK_PATH,
                port: P.cacheService,
              },
            },
            sideEffects: 'None',
            // Upstream's: caching only saves work, so a cache server that is down must not stop
            // pipeline pods; they run their step instead of reusing a result.
            failurePolicy: 'Ignore',
            matchPolicy: 'Equivalent',
            reinvocationPolicy: 'Never',
            timeoutSeconds: 5,
            objectSelector: { matchLabels: { ...CACHE_ENABLED_POD_LABELS } },
            // Upstream has none; only namespaces with pipelines have pipeline pods.
            namespaceSelector: { matchLabels: { ...this.namespaceLabels } },
            rules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['pods'],
                scope: 'Namespaced',
              },
            ],
          },
        ],
      },
    );

    // The API server calls the webhook without a mesh identity: the webhook port takes plain
    // text (TLS of its own) from anyone the network policy lets through, as upstream's
    // allow-all `service-cache-server`.
    const meshLabels = KFP_LABELS.labels('mesh-policy');
    const port = String(P.cacheWebhook);
    new ApiObject(this, 'PeerAuthentication', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'PeerAuthentication',
      metadata: { name: N.deployment, namespace: ns, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...selector } },
        portLevelMtls: { [port]: { mode: 'PERMISSIVE' } },
      },
    });
    new ApiObject(this, 'AuthorizationPolicy', {
      apiVersion: ISTIO_SECURITY_API_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: N.authorizationPolicy, namespace: ns, labels: meshLabels },
      spec: {
        selector: { matchLabels: { ...selector } },
        action: 'ALLOW',
        rules: [{ to: [{ operation: { ports: [port] } }] }],
      },
    });
    props.namespace.allowIngress('cache-server-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the Pipelines cache webhook. The API ' +
        'server is not a pod and its source address depends on the cluster, so any source may ' +
        'reach this one port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.cacheWebhook }],
    });
    props.database.grantAccess('cache-server', NetworkPeer.namespace(ns, selector));
  }
}

const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

function validate(props: CacheServerProps, s: CacheServer): string[] {
  const out = [
    ...replicaProblems(s.replicas),
    ...mysqlProblems(props.database, 'The cache server'),
  ];
  for (const [path, v] of [
    ['defaultCacheStaleness', props.defaultCacheStaleness],
    ['maximumCacheStaleness', props.maximumCacheStaleness],
  ] as const) {
    if (v && !ISO_DURATION.test(v)) {
      out.push(
        propProblem(path, 'is not an ISO 8601 duration', `"${v}"`, 'Use e.g. P30D or PT12H.'),
      );
    }
  }
  if (Object.keys(s.namespaceLabels).length === 0) {
    out.push(
      propProblem(
        'namespaceLabels',
        'is empty',
        '{}',
        'Name the labels of the pipelines-enabled namespaces.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    out.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${s.serviceHost}`,
        'An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ),
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace.name) {
    out.push(
      propProblem(
        'issuer',
        `is an Issuer of namespace ${issuerNs}`,
        `a webhook in ${props.namespace.name}`,
        "Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ),
    );
  }
  return out;
}
