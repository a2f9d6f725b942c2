import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { INamespace, NAMESPACE_NAME_LABEL, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { propProblem, throwIfProblems } from '../core/validation';
import { PodDefaultCrd, POD_DEFAULT_API } from './crd';
import {
  POD_DEFAULTS_PROFILE_NAMESPACE_LABELS,
  POD_DEFAULTS_CERT_DIR,
  POD_DEFAULTS_NAMES,
  POD_DEFAULTS_PATH,
  POD_DEFAULTS_PORTS,
} from './names';
import { POD_DEFAULTS_LABELS } from './private/labels';
import { POD_DEFAULTS_IMAGES } from './versions';

/** Label key of Kubeflow's aggregated ClusterRoles. */
const aggregateLabel = (role: string): string =>
  `rbac.authorization.kubeflow.org/aggregate-to-${role}`;

/** Requests and limits of the webhook: a small Go server that lists PodDefaults per request. */
export const POD_DEFAULTS_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '10m', limit: '200m' },
  memory: { request: '32Mi', limit: '128Mi' },
};

/**
 * Namespaces the webhook never intercepts, whatever their labels: the cluster's own and the
 * webhook's, so that a webhook that is down cannot block the pods that would bring it back.
 */
export const POD_DEFAULTS_EXCLUDED_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
];

/** cert-manager's cainjector fills the webhook's caBundle from this Certificate's CA. */
const INJECT_CA_FROM_ANNOTATION = 'cert-manager.io/inject-ca-from';

/** The user the distroless image runs as (`USER 65532:65532`, upstream's `runAsUser`). */
const NONROOT_UID = 65532;

export interface PodDefaultsWebhookProps {
  /** Where the webhook runs (`kubeflow` upstream). */
  readonly namespace: INamespace;
  /**
   * Signs the webhook's serving certificate; cainjector copies its CA (`ca.crt` of the Secret)
   * into the webhook. It must sign in-cluster Service names: a CA issuer, not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /**
   * Labels of the namespaces whose pods the webhook mutates. The webhook fails closed (a pod is
   * refused while it is down), which is safe only for these namespaces; the cluster's system
   * namespaces and the webhook's own are excluded on top.
   * @default POD_DEFAULTS_PROFILE_NAMESPACE_LABELS - profile namespaces, as upstream
   */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** @default 1 - upstream's */
  readonly replicas?: number;
  /** @default POD_DEFAULTS_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** Create the PodDefault CRD (in the CRD layer). @default true */
  readonly crd?: boolean;
}

/**
 * The PodDefaults admission webhook of kubeflow/dashboard v2.0.0: it merges the PodDefaults of a
 * pod's namespace whose selector matches the pod into the pod when it is created (notebooks offer
 * them as "configurations"). The CRD, the Deployment `poddefaults-webhook-deployment` with its
 * service account and ClusterRole, the Service, a serving Certificate from the platform issuer,
 * the MutatingWebhookConfiguration with its CA injected by cert-manager, the aggregated user
 * roles, and the network allow from the API server.
 * @see https://github.com/kubeflow/dashboard/tree/v2.0.0/components/poddefaults-webhooks
 */
export class PodDefaultsWebhook extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly namespaceLabels: Readonly<Record<string, string>>;
  /** FQDN of the webhook Service. */
  public readonly serviceHost: string;
  public readonly crd?: PodDefaultCrd;
  public readonly deployment: k8s.KubeDeployment;
  public readonly certificate: ApiObject;
  public readonly webhookConfiguration: k8s.KubeMutatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: PodDefaultsWebhookProps) {
    super(scope, id);
    const ns = props.namespace.name;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? POD_DEFAULTS_DEFAULT_RESOURCES;
    this.namespaceLabels = props.namespaceLabels ?? POD_DEFAULTS_PROFILE_NAMESPACE_LABELS;
    this.serviceHost = `${POD_DEFAULTS_NAMES.service}.${ns}.svc`;
    validate(props, this.replicas, this.namespaceLabels);

    if (props.crd ?? true) {
      this.crd = new PodDefaultCrd(scopeInLayer(this, Layer.CRDS), 'PodDefaultCrd');
    }

    const labels = POD_DEFAULTS_LABELS.labels('webhook');
    const selector = POD_DEFAULTS_LABELS.selector('webhook');
    const rbacLabels = POD_DEFAULTS_LABELS.labels('rbac');
    const N = POD_DEFAULTS_NAMES;

    this.certificate = new ApiObject(this, 'Certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: N.certificate,
        namespace: ns,
        labels: POD_DEFAULTS_LABELS.labels('certificate'),
      },
      spec: {
        secretName: N.certificateSecret,
        issuerRef: { ...props.issuer.issuerRef },
        // The names the API server reaches the Service by (upstream's).
        dnsNames: [this.serviceHost, `${this.serviceHost}.cluster.local`],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        usages: ['digital signature', 'key encipherment', 'server auth'],
      },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    // The webhook only lists the PodDefaults of a pod's namespace; upstream's ClusterRole also
    // grants create, delete, patch and update, which it never uses.
    new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: N.clusterRole, labels: rbacLabels },
      rules: [
        {
          apiGroups: [POD_DEFAULT_API.group],
          resources: [POD_DEFAULT_API.plural],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: N.clusterRoleBinding, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: N.clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns }],
    });
    userRoles(this, rbacLabels);

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: N.deployment, namespace: ns, labels },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            // The API server calls the webhook without a mesh identity: no sidecar (upstream's).
            labels: { ...labels, 'sidecar.istio.io/inject': 'false' },
            annotations: { 'kubectl.kubernetes.io/default-container': N.container },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: NONROOT_UID,
              runAsGroup: NONROOT_UID,
              fsGroup: NONROOT_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: resolveImage(this, POD_DEFAULTS_IMAGES.webhook),
                imagePullPolicy: 'IfNotPresent',
                args: [
                  `--tlsCertFile=${POD_DEFAULTS_CERT_DIR}/tls.crt`,
                  `--tlsKeyFile=${POD_DEFAULTS_CERT_DIR}/tls.key`,
                ],
                ports: [
                  {
                    name: 'https-webhook',
                    containerPort: POD_DEFAULTS_PORTS.webhook,
                    protocol: 'TCP',
                  },
                ],
                // Upstream declares no probe and the server has no health path; ready once it
                // listens, so that the install waits for it before anything creates pods.
                readinessProbe: {
                  tcpSocket: { port: k8s.IntOrString.fromString('https-webhook') },
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                  failureThreshold: 3,
                },
                volumeMounts: [
                  { name: 'webhook-cert', mountPath: POD_DEFAULTS_CERT_DIR, readOnly: true },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              {
                name: 'webhook-cert',
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
            port: POD_DEFAULTS_PORTS.service,
            targetPort: k8s.IntOrString.fromString('https-webhook'),
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
          name: N.webhookConfiguration,
          labels,
          annotations: { [INJECT_CA_FROM_ANNOTATION]: `${ns}/${N.certificate}` },
        },
        webhooks: [
          {
            name: N.webhook,
            admissionReviewVersions: ['v1beta1', 'v1'],
            clientConfig: {
              service: {
                name: N.service,
                namespace: ns,
                path: POD_DEFAULTS_PATH,
                port: POD_DEFAULTS_PORTS.service,
              },
            },
            sideEffects: 'None',
            failurePolicy: 'Fail',
            matchPolicy: 'Equivalent',
            reinvocationPolicy: 'Never',
            timeoutSeconds: 10,
            namespaceSelector: {
              matchLabels: { ...this.namespaceLabels },
              matchExpressions: [
                {
                  key: NAMESPACE_NAME_LABEL,
                  operator: 'NotIn',
                  values: [...new Set([...POD_DEFAULTS_EXCLUDED_NAMESPACES, ns])].sort(),
                },
              ],
            },
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

    props.namespace.allowIngress('poddefaults-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the PodDefaults webhook. The API ' +
        'server is not a pod and its source address depends on the cluster, so any source may ' +
        'reach this one port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: POD_DEFAULTS_PORTS.webhook }],
    });
  }
}

/**
 * Upstream's aggregated user roles: view reads PodDefaults and aggregates into `kubeflow-view`
 * and the PodDefaults edit role; edit grants nothing of its own (users do not manage PodDefaults
 * by default) and aggregates into `kubeflow-edit` and the admin role; admin aggregates into
 * `kubeflow-admin`.
 */
function userRoles(scope: Construct, labels: Record<string, string>): void {
  const R = POD_DEFAULTS_NAMES.userRoles;
  const agg = aggregateLabel;
  const role = (id: string, name: string, extra: Record<string, string>, rest: object) =>
    new k8s.KubeClusterRole(scope, id, {
      metadata: { name, labels: { ...labels, ...extra } },
      ...rest,
    });
  role(
    'AdminRole',
    R.admin,
    { [agg('kubeflow-admin')]: 'true' },
    {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [agg('kubeflow-poddefaults-admin')]: 'true' } }],
      },
      rules: [],
    },
  );
  role(
    'EditRole',
    R.edit,
    { [agg('kubeflow-edit')]: 'true', [agg('kubeflow-poddefaults-admin')]: 'true' },
    {
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { [agg('kubeflow-poddefaults-edit')]: 'true' } }],
      },
      rules: [],
    },
  );
  role(
    'ViewRole',
    R.view,
    { [agg('kubeflow-view')]: 'true', [agg('kubeflow-poddefaults-edit')]: 'true' },
    {
      rules: [
        {
          apiGroups: [POD_DEFAULT_API.group],
          resources: [POD_DEFAULT_API.plural],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
  );
}

function validate(
  props: PodDefaultsWebhookProps,
  replicas: number,
  namespaceLabels: Readonly<Record<string, string>>,
): void {
  const problems: string[] = [];
  if (!Number.isInteger(replicas) || replicas < 1) {
    problems.push(
      propProblem(
        'replicas',
        'is not a whole number of at least 1',
        String(replicas),
        'Use 1 or more.',
      ),
    );
  }
  if (Object.keys(namespaceLabels).length === 0) {
    problems.push(
      propProblem(
        'namespaceLabels',
        'is empty',
        '{}',
        'Name the labels of the tenant namespaces; an empty selector would put every namespace behind a webhook that fails closed.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    problems.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${POD_DEFAULTS_NAMES.service}.${props.namespace.name}.svc`,
        'An ACME server cannot certify in-cluster Service names; use a CA issuer (selfSigned or ca) for webhooks.',
      ),
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace.name) {
    problems.push(
      propProblem(
        'issuer',
        `is an Issuer of namespace ${issuerNs}`,
        `a webhook in ${props.namespace.name}`,
        "Use a ClusterIssuer or an Issuer of the webhook's namespace.",
      ),
    );
  }
  throwIfProblems('PodDefaultsWebhook', problems);
}
