import { Construct } from 'constructs';
import { DNS_LABEL, throwIfProblems } from '../core/validation';
import { CertManagerStartupCheck } from './startup-check';
import { Layer, scopeInLayer } from '../core/layers';
import { IMonitoring } from '../core/monitoring';
import { INamespace, NetworkPeer } from '../core/network';
import { ResourceSpec } from '../core/resources';
import { CertManagerCainjector } from './cainjector';
import { CertManagerController } from './controller';
import { CertManagerCrds } from './crds';
import { BoundIssuer, IssuerBindContext, PlatformIssuer } from './issuers';
import { CERT_MANAGER_NAMES, CERT_MANAGER_PORTS } from './names';
import { partSelector } from './private/labels';
import { ComponentOptions } from './private/options';
import { aggregatedRoles } from './rbac';
import { CERT_MANAGER_DEFAULT_EXPIRY_WARNING_DAYS, addCertManagerMonitoring } from './monitoring';
import { CertManagerWebhook } from './webhook';

/** A setting per cert-manager component. */
export interface PerComponent<T> {
  readonly controller?: T;
  readonly webhook?: T;
  readonly cainjector?: T;
}

/**
 * Requests and limits of each component. Upstream sets none; these fit a cluster of a few
 * hundred certificates. The controller and cainjector cache Secrets and Certificates, so raise
 * their memory with the number of objects.
 */
export const CERT_MANAGER_DEFAULT_RESOURCES = {
  controller: {
    cpu: { request: '50m', limit: '500m' },
    memory: { request: '128Mi', limit: '512Mi' },
  },
  webhook: { cpu: { request: '20m', limit: '250m' }, memory: { request: '64Mi', limit: '256Mi' } },
  cainjector: {
    cpu: { request: '20m', limit: '250m' },
    memory: { request: '128Mi', limit: '512Mi' },
  },
} as const satisfies Required<PerComponent<ResourceSpec>>;

export interface CertManagerProps {
  /** The namespace cert-manager runs in; it receives the webhook's network allow. */
  readonly namespace: INamespace;
  /** @default CERT_MANAGER_DEFAULT_RESOURCES (per component) */
  readonly resources?: PerComponent<ResourceSpec>;
  /**
   * Replicas of each Deployment. The controller and cainjector elect a leader, so more than one
   * is a warm standby; with two or more a PodDisruptionBudget keeps one running.
   * @default 1 each
   */
  readonly replicas?: PerComponent<number>;
  /** klog verbosity (`--v`) of every component. @default 2 */
  readonly logLevel?: number;
  /**
   * Namespace of the leader-election leases and their Roles. Upstream uses kube-system so that
   * two installs in different namespaces never lead at once.
   * @default 'kube-system'
   */
  readonly leaderElectionNamespace?: string;
  /** ACME challenges the controller works on at once. @default 60 */
  readonly maxConcurrentChallenges?: number;
  /**
   * `host:port` of the nameservers the DNS-01 self-check asks, for clusters whose resolver sees
   * a different view of the zone (split horizon).
   * @default [] - the nameservers of the pod's resolv.conf
   */
  readonly dns01RecursiveNameservers?: readonly string[];
  /** Ask only `dns01RecursiveNameservers`, never the zone's authoritative servers. @default false */
  readonly dns01RecursiveNameserversOnly?: boolean;
  /** Delete a certificate's Secret when its Certificate is deleted. @default false */
  readonly enableCertificateOwnerRef?: boolean;
  /**
   * Who may scrape the components' Prometheus metrics (port 9402). When set, the pods also get
   * the `prometheus.io/*` scrape annotations.
   * @default [] - metrics are not reachable from outside the pods
   */
  readonly metricsScrapers?: readonly NetworkPeer[];
  /**
   * The cluster's monitoring: it scrapes the controller, cainjector and webhook metrics and gets
   * cert-manager's alerts (a part down, certificates not Ready or close to expiry).
   * @default - no scrape targets and no alerts
   */
  readonly monitoring?: IMonitoring;
  /**
   * Days before a certificate expires at which `CertManagerCertificateExpiringSoon` fires (with
   * `monitoring`).
   * @default CERT_MANAGER_DEFAULT_EXPIRY_WARNING_DAYS (14)
   */
  readonly expiryWarningDays?: number;
}

const PER_COMPONENT = ['controller', 'webhook', 'cainjector'] as const;
const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/;

/**
 * cert-manager, the release of `CERT_MANAGER_VERSION`, as upstream's static manifest installs
 * it: the six CRDs (in the CRDs layer); the controller, cainjector and webhook Deployments with
 * their flags, ports, probes, ServiceAccounts and Services; the RBAC upstream grants, leader
 * election in kube-system included; and both webhook configurations, whose CA cainjector
 * injects. Pods run restricted with requests and limits; only the API server may reach the
 * webhook.
 * @see https://cert-manager.io/docs/installation/
 */
export class CertManager extends Construct implements IssuerBindContext {
  /** The namespace cert-manager runs in. */
  public readonly namespace: string;
  /** Where ClusterIssuer Secrets must live: the namespace cert-manager runs in. */
  public readonly clusterResourceNamespace: string;
  public readonly leaderElectionNamespace: string;
  /** The Service the API server calls for admission. */
  public readonly webhookServiceName: string = CERT_MANAGER_NAMES.webhookService;
  public readonly crds: CertManagerCrds;
  /** The Deployments that must be ready before cert-manager resources can be applied. */
  public readonly workloads: readonly {
    readonly kind: 'Deployment';
    readonly namespace: string;
    readonly name: string;
  }[];
  /** Completes once the webhook admits resources; wait for it before applying issuers. */
  public readonly startupCheck: CertManagerStartupCheck;
  public readonly replicas: Readonly<Required<PerComponent<number>>>;
  public readonly resources: Readonly<Required<PerComponent<ResourceSpec>>>;

  public constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    validate(props);
    const namespace = props.namespace.name;
    this.namespace = namespace;
    this.clusterResourceNamespace = namespace;
    this.leaderElectionNamespace = props.leaderElectionNamespace ?? 'kube-system';
    this.replicas = {
      controller: props.replicas?.controller ?? 1,
      webhook: props.replicas?.webhook ?? 1,
      cainjector: props.replicas?.cainjector ?? 1,
    };
    this.resources = {
      controller: props.resources?.controller ?? CERT_MANAGER_DEFAULT_RESOURCES.controller,
      webhook: props.resources?.webhook ?? CERT_MANAGER_DEFAULT_RESOURCES.webhook,
      cainjector: props.resources?.cainjector ?? CERT_MANAGER_DEFAULT_RESOURCES.cainjector,
    };
    const scrapers = props.metricsScrapers ?? [];
    const options = (part: (typeof PER_COMPONENT)[number]): ComponentOptions => ({
      namespace,
      leaderElectionNamespace: this.leaderElectionNamespace,
      replicas: this.replicas[part],
      resources: this.resources[part],
      logLevel: props.logLevel ?? 2,
      scrapeMetrics: scrapers.length > 0,
    });

    this.crds = new CertManagerCrds(scopeInLayer(this, Layer.CRDS), 'Crds');

    new CertManagerController(this, 'Controller', {
      ...options('controller'),
      maxConcurrentChallenges: props.maxConcurrentChallenges ?? 60,
      enableCertificateOwnerRef: props.enableCertificateOwnerRef ?? false,
      dns01RecursiveNameservers: props.dns01RecursiveNameservers ?? [],
      dns01RecursiveNameserversOnly: props.dns01RecursiveNameserversOnly ?? false,
    });
    new CertManagerCainjector(this, 'Cainjector', options('cainjector'));
    aggregatedRoles(this);
    new CertManagerWebhook(this, 'Webhook', {
      ...options('webhook'),
      namespaceRef: props.namespace,
    });

    if (scrapers.length > 0) {
      for (const part of PER_COMPONENT) {
        props.namespace.allowIngress(`cert-manager-${part}-metrics`, {
          description: `Prometheus scrapes the cert-manager ${part} metrics`,
          podLabels: partSelector(part),
          from: scrapers,
          ports: [{ port: CERT_MANAGER_PORTS.metrics }],
        });
      }
    }

    if (props.monitoring) {
      addCertManagerMonitoring(this, {
        monitoring: props.monitoring,
        namespace: props.namespace,
        expiryWarningDays: props.expiryWarningDays ?? CERT_MANAGER_DEFAULT_EXPIRY_WARNING_DAYS,
      });
    }

    this.startupCheck = new CertManagerStartupCheck(this, 'StartupCheck', { namespace });

    this.workloads = [
      CERT_MANAGER_NAMES.controller,
      CERT_MANAGER_NAMES.cainjector,
      CERT_MANAGER_NAMES.webhook,
    ].map((name) => ({ kind: 'Deployment' as const, namespace, name }));
  }

  /** Binds `issuer` to this install (its objects go to the infrastructure-config layer). */
  public addIssuer(id: string, issuer: PlatformIssuer): BoundIssuer {
    return issuer.bind(this, id, this);
  }
}

function validate(props: CertManagerProps): void {
  const problems: string[] = [];
  for (const part of PER_COMPONENT) {
    const n = props.replicas?.[part];
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) {
      problems.push(
        `\`replicas.${part}\` is not a whole number of at least 1 (got ${n}). Use 1, or 2 for a standby.`,
      );
    }
  }
  const level = props.logLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 10)) {
    problems.push(
      `\`logLevel\` is not a klog level from 0 to 10 (got ${level}). Use 2 for upstream's default, 4 or more to debug.`,
    );
  }
  const lease = props.leaderElectionNamespace;
  if (lease !== undefined && !DNS_LABEL.test(lease)) {
    problems.push(
      `\`leaderElectionNamespace\` is not a namespace name (got "${lease}"). Use an existing namespace such as kube-system.`,
    );
  }
  const challenges = props.maxConcurrentChallenges;
  if (challenges !== undefined && (!Number.isInteger(challenges) || challenges < 1)) {
    problems.push(
      `\`maxConcurrentChallenges\` is not a whole number of at least 1 (got ${challenges}). Use upstream's 60 unless the CA rate-limits you.`,
    );
  }
  (props.dns01RecursiveNameservers ?? []).forEach((ns, i) => {
    if (!HOST_PORT.test(ns)) {
      problems.push(
        `\`dns01RecursiveNameservers[${i}]\` is not host:port (got "${ns}"). Use an address with its port, such as 1.1.1.1:53.`,
      );
    }
  });
  if (props.dns01RecursiveNameserversOnly && !props.dns01RecursiveNameservers?.length) {
    problems.push(
      '`dns01RecursiveNameserversOnly` is true without nameservers (got dns01RecursiveNameservers: []). Name the nameservers to ask, or leave it false.',
    );
  }
  const days = props.expiryWarningDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 365)) {
    problems.push(
      `\`expiryWarningDays\` is not a whole number of days from 1 to 365 (got ${days}). Use 14, or more for certificates with long lifetimes.`,
    );
  }
  throwIfProblems('CertManager', problems);
}
