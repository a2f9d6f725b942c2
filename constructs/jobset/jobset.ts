import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../core/certificates';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { disruptionBudget } from '../core/service';
import { propProblem, throwIfProblems } from '../core/validation';
import { JOBSET_SETTINGS_DEFAULTS, JobSetSettings, jobSetManagerConfigYaml } from './config';
import { JOBSET_API, JobSetCrds } from './crds';
import {
  JOBSET_CERT_DIRS,
  JOBSET_NAME_LABEL,
  JOBSET_NAMES,
  JOBSET_PORTS,
  JOBSET_SELECTOR,
  JOBSET_WEBHOOK_PATHS,
} from './names';
import { JOBSET_LABELS } from './private/labels';
import {
  JOBSET_LEADER_ELECTION_RULES,
  JOBSET_MANAGER_RULES,
  JOBSET_METRICS_AUTH_RULES,
  JOBSET_METRICS_READER_RULES,
} from './rbac';
import { JOBSET_IMAGES } from './versions';

/**
 * Upstream's requests (`config/components/manager/manager.yaml`: 500m CPU, 128Mi, memory limit
 * 4Gi: the manager caches every Job and JobSet pod of the cluster), with a CPU limit added.
 */
export const JOBSET_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '500m', limit: '2' },
  memory: { request: '128Mi', limit: '4Gi' },
};

/** The user of upstream's distroless image (`USER 65532:65532` of the Dockerfile). */
export const JOBSET_UID = 65532;

/** cert-manager's cainjector fills a caBundle from this Certificate's CA. */
const INJECT_CA_FROM = 'cert-manager.io/inject-ca-from';

export interface JobSetProps {
  /** Where the manager runs (`kubeflow-system` in Kubeflow 26.03.1). */
  readonly namespace: INamespace;
  /**
   * Signs the webhook's and the metrics endpoint's serving certificates; cainjector copies its CA
   * into the webhook configurations and the CRD. It must sign in-cluster Service names: a CA
   * issuer, not ACME.
   */
  readonly issuer: ICertificateIssuer;
  /**
   * Replicas; one leads the controllers (leader election on a Lease), every replica serves the
   * webhooks.
   * @default 1 - upstream's
   */
  readonly replicas?: number;
  /** @default JOBSET_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /** @default - upstream's (`JOBSET_SETTINGS_DEFAULTS`) */
  readonly settings?: JobSetSettings;
  /**
   * Who may scrape the metrics port (TLS; each scrape is also authenticated and authorized
   * against `jobset-metrics-reader`).
   * @default - nobody: no network allow for the metrics port
   */
  readonly metricsScrapers?: readonly NetworkPeer[];
  /** Create the JobSet CRD (in the CRD layer). @default true */
  readonly crds?: boolean;
}

/**
 * JobSet v0.11.0 as Kubeflow Trainer v2.2.0 installs it (upstream's release manifest, the image
 * from registry.k8s.io): the `jobsets.jobset.x-k8s.io` CRD, the controller manager with its
 * ConfigMap, ServiceAccount and RBAC, the webhook and metrics Services, and the mutating and
 * validating webhooks for JobSets and their pods.
 *
 * Certificates come from the platform issuer through cert-manager instead of the manager's
 * built-in rotator (which upstream enables): the manager's `internalCertManagement.enable: false`
 * turns the rotator off, so it needs no Secret access and no write access to webhook
 * configurations, and cainjector keeps the caBundles.
 *
 * The manager runs without a mesh sidecar: its only callers are the API server (webhooks, no
 * mesh identity), the kubelet (probes) and scrapers, and it calls only the API server. Kubeflow
 * keeps the sidecar and excludes the webhook port from it
 * (`jobset-controller-manager-istio.yaml`: `traffic.sidecar.istio.io/excludeInboundPorts: "9443"`);
 * without one there is nothing to exclude and no start-up race with the proxy.
 * @see https://github.com/kubernetes-sigs/jobset/tree/v0.11.0/config
 */
export class JobSet extends Construct {
  public readonly namespace: string;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly settings: Required<JobSetSettings>;
  /** The manager's image, after the registry mirror. */
  public readonly image: string;
  /** `jobset-webhook-service.<namespace>.svc`. */
  public readonly webhookServiceHost: string;
  /** Labels of the manager pods (what the Services and the NetworkPolicy select). */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly crds?: JobSetCrds;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly deployment: k8s.KubeDeployment;
  public readonly webhookCertificate: ApiObject;
  public readonly metricsCertificate: ApiObject;
  public readonly mutatingWebhook: k8s.KubeMutatingWebhookConfiguration;
  public readonly validatingWebhook: k8s.KubeValidatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, props: JobSetProps) {
    super(scope, id);
    const N = JOBSET_NAMES;
    const P = JOBSET_PORTS;
    const ns = props.namespace.name;
    this.namespace = ns;
    this.replicas = props.replicas ?? 1;
    this.resources = props.resources ?? JOBSET_DEFAULT_RESOURCES;
    this.settings = { ...JOBSET_SETTINGS_DEFAULTS, ...definedOnly(props.settings ?? {}) };
    this.webhookServiceHost = `${N.webhookService}.${ns}.svc`;
    this.podSelector = { ...JOBSET_SELECTOR };
    throwIfProblems('JobSet', validate(props, this));

    const injectCaFrom = `${ns}/${N.webhookCertificate}`;
    if (props.crds ?? true) {
      this.crds = new JobSetCrds(scopeInLayer(this, Layer.CRDS), 'JobSetCrds', {
        conversion: { namespace: ns, service: N.webhookService, injectCaFrom },
      });
    }

    const labels = JOBSET_LABELS.labels('controller-manager');
    const rbacLabels = JOBSET_LABELS.labels('rbac');
    const selector = { ...JOBSET_SELECTOR };
    const subject = { kind: 'ServiceAccount', name: N.serviceAccount, namespace: ns };

    // Certificates (upstream's config/components/certmanager, from the platform issuer).
    const certificate = (cid: string, name: string, secretName: string, service: string) =>
      new ApiObject(this, cid, {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name, namespace: ns, labels: JOBSET_LABELS.labels('certificate') },
        spec: {
          secretName,
          issuerRef: { ...props.issuer.issuerRef },
          // Upstream's names: `<service>.<namespace>.svc` and its cluster.local form.
          dnsNames: [`${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`],
          privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
          usages: ['digital signature', 'key encipherment', 'server auth'],
        },
      });
    this.webhookCertificate = certificate(
      'WebhookCertificate',
      N.webhookCertificate,
      N.webhookCertificateSecret,
      N.webhookService,
    );
    this.metricsCertificate = certificate(
      'MetricsCertificate',
      N.metricsCertificate,
      N.metricsCertificateSecret,
      N.metricsService,
    );

    // RBAC (config/components/rbac).
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: N.serviceAccount, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    const clusterRole = (
      cid: string,
      name: string,
      rules: readonly k8s.PolicyRule[],
      binding?: string,
    ) => {
      new k8s.KubeClusterRole(this, cid, {
        metadata: { name, labels: rbacLabels },
        rules: rules.map((r) => ({ ...r })),
      });
      if (binding === undefined) return;
      new k8s.KubeClusterRoleBinding(this, `${cid}Binding`, {
        metadata: { name: binding, labels: rbacLabels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [subject],
      });
    };
    clusterRole('ManagerRole', N.clusterRole, JOBSET_MANAGER_RULES, N.clusterRoleBinding);
    clusterRole(
      'MetricsAuthRole',
      N.metricsAuthClusterRole,
      JOBSET_METRICS_AUTH_RULES,
      N.metricsAuthClusterRoleBinding,
    );
    clusterRole('MetricsReaderRole', N.metricsReaderClusterRole, JOBSET_METRICS_READER_RULES);
    new k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata: { name: N.leaderElectionRole, namespace: ns, labels: rbacLabels },
      rules: JOBSET_LEADER_ELECTION_RULES.map((r) => ({ ...r })),
    });
    new k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata: { name: N.leaderElectionRoleBinding, namespace: ns, labels: rbacLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: N.leaderElectionRole },
      subjects: [subject],
    });

    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: N.configMap, namespace: ns, labels },
      data: { [N.configFile]: jobSetManagerConfigYaml(this.settings) },
    });

    this.image = resolveImage(this, JOBSET_IMAGES.controller);
    const podLabels = {
      ...labels,
      ...selector,
      // No sidecar: see the class comment.
      'sidecar.istio.io/inject': 'false',
    };
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: {
        name: N.deployment,
        namespace: ns,
        labels: { ...labels, 'control-plane': selector['control-plane'] },
      },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: podLabels,
            annotations: { 'kubectl.kubernetes.io/default-container': N.container },
          },
          spec: {
            serviceAccountName: N.serviceAccount,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 10,
            securityContext: restrictedPodSecurityContext({
              runAsUser: JOBSET_UID,
              runAsGroup: JOBSET_UID,
              fsGroup: JOBSET_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: N.container,
                image: this.image,
                imagePullPolicy: 'IfNotPresent',
                command: ['/manager'],
                // config/default/manager_config_patch.yaml (it replaces the base's
                // `--leader-elect`; the configuration turns leader election on).
                args: [`--config=/${N.configFile}`, `--zap-log-level=${this.settings.logLevel}`],
                ports: [
                  { name: 'webhook-server', containerPort: P.webhook, protocol: 'TCP' },
                  { name: 'metrics', containerPort: P.metrics, protocol: 'TCP' },
                  { name: 'health', containerPort: P.health, protocol: 'TCP' },
                ],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(P.health) },
                  initialDelaySeconds: 15,
                  periodSeconds: 20,
                },
                // Ready once the webhook server listens with its certificate (`main.go`).
                readinessProbe: {
                  httpGet: { path: '/readyz', port: k8s.IntOrString.fromNumber(P.health) },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                },
                volumeMounts: [
                  {
                    name: 'manager-config',
                    mountPath: `/${N.configFile}`,
                    subPath: N.configFile,
                    readOnly: true,
                  },
                  { name: 'cert', mountPath: JOBSET_CERT_DIRS.webhook, readOnly: true },
                  { name: 'metrics-certs', mountPath: JOBSET_CERT_DIRS.metrics, readOnly: true },
                ],
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
            volumes: [
              { name: 'manager-config', configMap: { name: N.configMap } },
              {
                name: 'cert',
                secret: { secretName: N.webhookCertificateSecret, defaultMode: 0o444 },
              },
              {
                name: 'metrics-certs',
                secret: { secretName: N.metricsCertificateSecret, defaultMode: 0o444 },
              },
            ],
          },
        },
      },
    });
    disruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: N.deployment, namespace: ns, labels },
      selector,
      replicas: this.replicas,
    });

    new k8s.KubeService(this, 'WebhookService', {
      metadata: { name: N.webhookService, namespace: ns, labels: JOBSET_LABELS.labels('webhook') },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'https-webhook',
            port: P.webhookService,
            targetPort: k8s.IntOrString.fromString('webhook-server'),
            protocol: 'TCP',
          },
        ],
      },
    });
    new k8s.KubeService(this, 'MetricsService', {
      metadata: { name: N.metricsService, namespace: ns, labels: JOBSET_LABELS.labels('metrics') },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          {
            name: 'https',
            port: P.metrics,
            targetPort: k8s.IntOrString.fromString('metrics'),
            protocol: 'TCP',
            appProtocol: 'https',
          },
        ],
      },
    });

    // Webhooks (config/components/webhook: manifests.yaml with the pod patches).
    const webhookLabels = JOBSET_LABELS.labels('webhook');
    const annotations = { [INJECT_CA_FROM]: injectCaFrom };
    const clientConfig = (path: string) => ({
      service: { name: N.webhookService, namespace: ns, path, port: P.webhookService },
    });
    const jobSetRule = (operations: string[]) => ({
      apiGroups: [JOBSET_API.group],
      apiVersions: [JOBSET_API.version],
      operations,
      resources: [JOBSET_API.plural],
    });
    const podRule = {
      apiGroups: [''],
      apiVersions: ['v1'],
      operations: ['CREATE'],
      resources: ['pods'],
    };
    // Only the pods of JobSets; the controller labels them with their JobSet's name.
    const jobSetPods = { matchExpressions: [{ key: JOBSET_NAME_LABEL, operator: 'Exists' }] };
    // Upstream's policy everywhere: a JobSet (or a JobSet pod) is not admitted unchecked.
    const common = { admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fail' };
    this.mutatingWebhook = new k8s.KubeMutatingWebhookConfiguration(this, 'MutatingWebhook', {
      metadata: { name: N.mutatingWebhookConfiguration, labels: webhookLabels, annotations },
      webhooks: [
        {
          ...common,
          name: 'mjobset.kb.io',
          clientConfig: clientConfig(JOBSET_WEBHOOK_PATHS.jobSetDefaulter),
          rules: [jobSetRule(['CREATE'])],
        },
        {
          ...common,
          name: 'mpod.kb.io',
          clientConfig: clientConfig(JOBSET_WEBHOOK_PATHS.podMutator),
          objectSelector: jobSetPods,
          rules: [podRule],
        },
      ],
    });
    this.validatingWebhook = new k8s.KubeValidatingWebhookConfiguration(this, 'ValidatingWebhook', {
      metadata: { name: N.validatingWebhookConfiguration, labels: webhookLabels, annotations },
      webhooks: [
        {
          ...common,
          name: 'vjobset.kb.io',
          clientConfig: clientConfig(JOBSET_WEBHOOK_PATHS.jobSetValidator),
          rules: [jobSetRule(['CREATE', 'UPDATE'])],
        },
        {
          ...common,
          name: 'vpod.kb.io',
          clientConfig: clientConfig(JOBSET_WEBHOOK_PATHS.podValidator),
          objectSelector: jobSetPods,
          rules: [podRule],
        },
      ],
    });

    props.namespace.allowIngress('jobset-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the JobSet webhooks. The API server ' +
        'is not a pod and its source address depends on the cluster, so any source may reach ' +
        'this one port',
      podLabels: selector,
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: P.webhook }],
    });
    if (props.metricsScrapers?.length) {
      props.namespace.allowIngress('jobset-metrics', {
        description: 'Scrapes of the JobSet manager metrics (TLS, authenticated and authorized)',
        podLabels: selector,
        from: props.metricsScrapers,
        ports: [{ port: P.metrics }],
      });
    }
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(props: JobSetProps, s: JobSet): string[] {
  const out: string[] = [];
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
  for (const key of ['qps', 'burst'] as const) {
    const v = s.settings[key];
    if (!Number.isFinite(v) || v <= 0) {
      out.push(
        propProblem(
          `settings.${key}`,
          'is not a positive number',
          String(v),
          `Use upstream's ${JOBSET_SETTINGS_DEFAULTS[key]} or another positive number.`,
        ),
      );
    }
  }
  if (!Number.isInteger(s.settings.logLevel) || s.settings.logLevel < 0) {
    out.push(
      propProblem(
        'settings.logLevel',
        'is not a whole number of at least 0',
        String(s.settings.logLevel),
        'Use 0 (info) or more for more detail; upstream uses 2.',
      ),
    );
  }
  if (!Number.isInteger(s.settings.burst)) {
    out.push(
      propProblem(
        'settings.burst',
        'is not a whole number',
        String(s.settings.burst),
        'Use a whole number such as 500.',
      ),
    );
  }
  if (props.issuer.solvesHttp01) {
    out.push(
      propProblem(
        'issuer',
        'is an ACME issuer',
        `HTTP-01 for ${s.webhookServiceHost}`,
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
