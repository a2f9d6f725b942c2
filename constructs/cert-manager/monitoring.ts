import { Construct } from 'constructs';
import { Alert, IMonitoring, ScrapeJob } from '../core/monitoring';
import { INamespace } from '../core/network';
import { CERT_MANAGER_NAMES, CERT_MANAGER_PORTS } from './names';
import { partSelector } from './private/labels';

/**
 * Days before a certificate's expiry at which `CertManagerCertificateExpiringSoon` fires. cert-manager
 * renews at two thirds of a certificate's life (30 days before the end of a 90-day ACME
 * certificate), so a certificate that gets this close has failed to renew for two weeks.
 */
export const CERT_MANAGER_DEFAULT_EXPIRY_WARNING_DAYS = 14;

/** The `job` of each cert-manager part's metrics (its Deployment's name). */
export const CERT_MANAGER_SCRAPE_JOBS = {
  controller: CERT_MANAGER_NAMES.controller,
  cainjector: CERT_MANAGER_NAMES.cainjector,
  webhook: CERT_MANAGER_NAMES.webhook,
} as const;

/** @internal */
export interface CertManagerMonitoringOptions {
  readonly monitoring: IMonitoring;
  readonly namespace: INamespace;
  /** Days before expiry at which a certificate alerts. */
  readonly expiryWarningDays: number;
}

/**
 * Prometheus scrapes all three parts on `http-metrics` (9402, plain HTTP: upstream serves TLS
 * there only with `--metrics-tls-*` flags, which the platform does not set), and the platform pages
 * on a part that is down and on certificates that are not ready or about to expire. The
 * namespace is outside the mesh, so the targets are the containers' own port.
 * @internal
 */
export function addCertManagerMonitoring(
  scope: Construct,
  opts: CertManagerMonitoringOptions,
): void {
  const { monitoring, namespace } = opts;
  const scrape = (part: keyof typeof CERT_MANAGER_SCRAPE_JOBS, description: string): ScrapeJob =>
    monitoring.scrape(scope, {
      id: CERT_MANAGER_SCRAPE_JOBS[part],
      namespace,
      podLabels: partSelector(part),
      port: { name: 'http-metrics', number: CERT_MANAGER_PORTS.metrics },
      path: '/metrics',
      description,
    });
  const controller = scrape(
    'controller',
    'cert-manager controller: certificate, issuer and ACME state, sync errors',
  );
  const cainjector = scrape('cainjector', 'cert-manager cainjector: controller-runtime metrics');
  const webhook = scrape('webhook', 'cert-manager webhook: controller-runtime webhook metrics');
  const ns = namespace.name;
  const days = opts.expiryWarningDays;
  // The certificate metrics carry a `namespace` label of their own (the Certificate's), which
  // Prometheus renames to `exported_namespace` unless the monitor honours labels: select by job
  // only, so that either way every certificate of the cluster is seen.
  const byJob = `job="${controller.job}"`;

  const alerts: Alert[] = [
    {
      name: 'CertManagerDown',
      expr: controller.down,
      for: '10m',
      severity: 'critical',
      summary: 'The cert-manager controller is down: no certificate is issued or renewed.',
      description:
        'Prometheus has no running cert-manager controller. Certificates keep their current ' +
        'Secrets, but nothing renews them, new webhook and gateway certificates are not issued, ' +
        'and ACME challenges stop.',
      runbook:
        `Look at the pods: \`kubectl -n ${ns} get pods -l app.kubernetes.io/component=controller\` ` +
        `and \`kubectl -n ${ns} describe deployment ${CERT_MANAGER_NAMES.controller}\`. A crash loop ` +
        `shows its reason in \`kubectl -n ${ns} logs deployment/${CERT_MANAGER_NAMES.controller} --previous\` ` +
        '(RBAC after an upgrade, a leader-election lease in kube-system it cannot take, memory ' +
        'limits with many Secrets). Pending pods point at scheduling or quota. Restore the ' +
        'Deployment (re-apply the infrastructure layer) and check that certificates become ' +
        'Ready again: `kubectl get certificates -A`.',
      metrics: ['up'],
    },
    {
      name: 'CertManagerWebhookDown',
      expr: webhook.down,
      for: '5m',
      severity: 'critical',
      summary: 'The cert-manager webhook is down: cert-manager resources cannot be changed.',
      description:
        'The API server calls this webhook (failurePolicy Fail) for every cert-manager ' +
        'resource; while it is down, creating or changing Certificates, Issuers and ' +
        'CertificateRequests fails, which also blocks installs and renewals of the platform.',
      runbook:
        `Check \`kubectl -n ${ns} get pods -l app.kubernetes.io/component=webhook\` and the ` +
        `logs of \`deployment/${CERT_MANAGER_NAMES.webhook}\`. The webhook serves a certificate ` +
        `from the Secret ${CERT_MANAGER_NAMES.webhookCaSecret}, which cainjector copies into ` +
        `the webhook configurations: if the pod runs but the API server reports TLS errors, ` +
        `look at \`kubectl get validatingwebhookconfiguration ${CERT_MANAGER_NAMES.webhookConfiguration} -o yaml\` ` +
        '(an empty caBundle means cainjector is down too). A NetworkPolicy change that keeps ' +
        `the API server away from port ${CERT_MANAGER_PORTS.webhook} shows as timeouts in ` +
        'the API server audit log.',
      metrics: ['up'],
    },
    {
      name: 'CertManagerCainjectorDown',
      expr: cainjector.down,
      for: '15m',
      severity: 'warning',
      summary: "cert-manager's CA injector is down: webhook CA bundles are not kept up to date.",
      description:
        'cainjector writes the CA of webhook serving certificates into webhook configurations ' +
        'and CRD conversion settings. Nothing breaks at once, but when a webhook CA rotates the ' +
        'API server stops trusting that webhook.',
      runbook:
        `Check \`kubectl -n ${ns} get pods -l app.kubernetes.io/component=cainjector\` and ` +
        `\`kubectl -n ${ns} logs deployment/${CERT_MANAGER_NAMES.cainjector}\`. It needs its ` +
        `leader-election leases (${CERT_MANAGER_NAMES.cainjectorLeases.join(', ')}) in kube-system ` +
        'and list/watch on Secrets and webhook configurations; after fixing it, confirm a ' +
        'caBundle in `kubectl get mutatingwebhookconfigurations -o yaml`.',
      metrics: ['up'],
    },
    {
      name: 'CertManagerCertificateExpiringSoon',
      expr:
        `(certmanager_certificate_expiration_timestamp_seconds{${byJob}} > 0) - time() ` +
        `< ${days} * 86400`,
      for: '1h',
      severity: 'warning',
      summary:
        'Certificate {{ or $labels.exported_namespace $labels.namespace }}/{{ $labels.name }} ' +
        `expires in less than ${days} days.`,
      description:
        'cert-manager should have renewed this certificate long before now. When it expires, ' +
        'whatever serves it (the gateway, a webhook) presents an expired certificate and ' +
        'clients refuse it.',
      runbook:
        'Find out why the renewal fails: `kubectl -n <namespace> describe certificate <name>` ' +
        'shows the last CertificateRequest and its conditions; `kubectl -n <namespace> get ' +
        'certificaterequests,orders,challenges` shows where it stops (an issuer that is not ' +
        'Ready, an ACME challenge the CA cannot reach, a DNS-01 credential that expired). ' +
        '`kubectl get clusterissuers` must show every issuer Ready. The namespace of the ' +
        'certificate is the `exported_namespace` label when Prometheus keeps its own ' +
        '`namespace` label. Once the cause is fixed, `cmctl renew -n <namespace> <name>` ' +
        'renews at once.',
      metrics: ['certmanager_certificate_expiration_timestamp_seconds'],
    },
    {
      name: 'CertManagerCertificateNotReady',
      expr: `certmanager_certificate_ready_status{${byJob},condition="False"} == 1`,
      for: '15m',
      severity: 'warning',
      summary:
        'Certificate {{ or $labels.exported_namespace $labels.namespace }}/{{ $labels.name }} ' +
        'is not Ready.',
      description:
        'The certificate has been not Ready for 15 minutes: its Secret is missing, out of date ' +
        'or does not match the spec. A new gateway host or webhook waits for it.',
      runbook:
        '`kubectl -n <namespace> describe certificate <name>` names the reason in the Ready ' +
        'condition; follow the CertificateRequest it lists (`kubectl -n <namespace> describe ' +
        'certificaterequest <request>`) to the issuer. Issuer problems show in `kubectl ' +
        'describe clusterissuer <issuer>`; ACME problems in `kubectl -n <namespace> describe ' +
        `challenges\`; controller errors in \`kubectl -n ${ns} logs deployment/${CERT_MANAGER_NAMES.controller}\`.`,
      metrics: ['certmanager_certificate_ready_status'],
    },
  ];
  monitoring.addAlerts(scope, {
    id: 'cert-manager',
    namespace: ns,
    component: 'cert-manager',
    alerts,
  });
}
