import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { Prerequisites } from '../core/prerequisites';
import { AcmeSolver, AzureDnsAuth, Dns01Provider } from './acme';
import { CertManager } from './cert-manager';
import {
  CERT_MANAGER_PARSE_RULES,
  CERT_MANAGER_RULES,
  Dns01ProviderConfig,
  IssuerConfig,
  certManagerShape,
} from './config';
import { PlatformIssuer } from './issuers';
import { PLATFORM_ISSUER_NAMES } from './names';
import { CERT_MANAGER_VERSION } from './versions';

/** The namespace cert-manager runs in, and where ClusterIssuer Secrets live. */
export const CERT_MANAGER_NAMESPACE = 'cert-manager';

function dns01(p: Dns01ProviderConfig): Dns01Provider {
  switch (p.type) {
    case 'cloudflare':
      return Dns01Provider.cloudflare({ apiTokenSecretRef: p.apiToken });
    case 'route53':
      return Dns01Provider.route53({
        ...(p.region ? { region: p.region } : {}),
        ...(p.hostedZoneID ? { hostedZoneID: p.hostedZoneID } : {}),
        ...(p.role ? { role: p.role } : {}),
        ...(p.accessKeyID ? { accessKeyIDSecretRef: p.accessKeyID } : {}),
        ...(p.secretAccessKey ? { secretAccessKeySecretRef: p.secretAccessKey } : {}),
      });
    case 'clouddns':
      return Dns01Provider.cloudDns({
        project: p.project,
        ...(p.hostedZoneName ? { hostedZoneName: p.hostedZoneName } : {}),
        ...(p.serviceAccount ? { serviceAccountSecretRef: p.serviceAccount } : {}),
      });
    case 'azuredns':
      return Dns01Provider.azureDns({
        subscriptionID: p.subscriptionID,
        resourceGroupName: p.resourceGroupName,
        ...(p.hostedZoneName ? { hostedZoneName: p.hostedZoneName } : {}),
        auth:
          p.auth.type === 'managedIdentity'
            ? AzureDnsAuth.managedIdentity(p.auth.clientID ? { clientID: p.auth.clientID } : {})
            : AzureDnsAuth.servicePrincipal({
                clientID: p.auth.clientID,
                tenantID: p.auth.tenantID,
                clientSecretSecretRef: p.auth.clientSecret,
              }),
      });
  }
}

/** The platform's CA for in-cluster Service names (webhooks), when the public issuer cannot be. */
const SERVICE_CA = PlatformIssuer.platformCa({
  name: PLATFORM_ISSUER_NAMES.serviceCa,
  commonName: 'mlops-platform in-cluster CA',
});

/** The issuer an environment's `tls.issuer` describes. */
export function issuerFrom(config: IssuerConfig): PlatformIssuer {
  switch (config.type) {
    case 'selfSigned':
      // A root CA made in the cluster: one certificate to trust instead of one per host.
      return PlatformIssuer.platformCa();
    case 'ca':
      return PlatformIssuer.ca({ secretName: config.secretName });
    case 'acme':
      return PlatformIssuer.acme({
        email: config.email,
        ...(config.server ? { server: config.server } : {}),
        solvers: [
          config.solver.type === 'http01'
            ? AcmeSolver.http01()
            : AcmeSolver.dns01(dns01(config.solver.provider)),
        ],
      });
    case 'external':
      return PlatformIssuer.external(config.clusterIssuer);
  }
}

/** Secrets the issuer config references, which the user creates in cert-manager's namespace. */
function referencedSecrets(config: IssuerConfig): { name: string; key: string }[] {
  if (config.type === 'ca') {
    return [
      { name: config.secretName, key: 'tls.crt' },
      { name: config.secretName, key: 'tls.key' },
    ];
  }
  if (config.type !== 'acme' || config.solver.type !== 'dns01') return [];
  const p = config.solver.provider;
  switch (p.type) {
    case 'cloudflare':
      return [p.apiToken];
    case 'route53':
      return [p.accessKeyID, p.secretAccessKey].filter((r) => r !== undefined);
    case 'clouddns':
      return p.serviceAccount ? [p.serviceAccount] : [];
    case 'azuredns':
      return p.auth.type === 'servicePrincipal' ? [p.auth.clientSecret] : [];
  }
}

/**
 * cert-manager (unless the cluster brings its own) in the infrastructure layer, and the
 * platform's issuer in the infrastructure-config layer, offered as `ICertificateIssuer`.
 */
export const certManagerComponent = defineComponent({
  key: 'cert-manager',
  description: 'cert-manager and the platform issuer',
  config: {
    shape: certManagerShape,
    rules: CERT_MANAGER_RULES,
    parseRules: CERT_MANAGER_PARSE_RULES,
  },
  namespaces: [CERT_MANAGER_NAMESPACE],
  offers: [Contracts.certificateIssuer, Contracts.serviceIssuer],
  uses: [Contracts.monitoring],
  versions: (config) =>
    config.certManager.mode === 'managed'
      ? [{ project: 'cert-manager', version: CERT_MANAGER_VERSION }]
      : [],
  readiness: ['ClusterIssuer', 'Issuer', 'Certificate'].map((kind) => ({
    group: 'cert-manager.io',
    kind,
  })),
  build(ctx) {
    const { tls, certManager: settings } = ctx.config;
    const infrastructure = ctx.chart(Layer.INFRASTRUCTURE);
    // Only the cert-manager the platform installs is scraped; an external one is the cluster's.
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const monitoringProps = monitoring
      ? { monitoring, expiryWarningDays: settings.alerts.expiryWarningDays }
      : {};
    const certManager =
      settings.mode === 'managed'
        ? new CertManager(infrastructure, 'CertManager', {
            // The API server calls the webhook directly; a sidecar would only stand in its way.
            namespace: ctx.namespace(CERT_MANAGER_NAMESPACE, {
              owner: 'cert-manager',
              mesh: false,
            }),
            ...monitoringProps,
          })
        : undefined;
    const clusterResourceNamespace =
      certManager?.clusterResourceNamespace ?? CERT_MANAGER_NAMESPACE;
    const issuer = certManager
      ? certManager.addIssuer('Issuer', issuerFrom(tls.issuer))
      : issuerFrom(tls.issuer).bind(infrastructure, 'Issuer', { clusterResourceNamespace });
    if (!certManager) {
      // The cluster's cert-manager owns these; our issuers and certificates need them.
      for (const [plural, kind] of [
        ['clusterissuers', 'ClusterIssuer'],
        ['certificates', 'Certificate'],
      ]) {
        Prerequisites.of(infrastructure).requireCrd({
          name: `${plural}.cert-manager.io`,
          group: 'cert-manager.io',
          kind,
          purpose: 'certificates of the platform (certManager.mode external)',
        });
      }
    }
    const byName = new Map<string, string[]>();
    for (const ref of referencedSecrets(tls.issuer)) {
      byName.set(ref.name, [...(byName.get(ref.name) ?? []), ref.key]);
    }
    for (const [name, keys] of byName) {
      Prerequisites.of(infrastructure).requireSecret({
        namespace: clusterResourceNamespace,
        name,
        keys,
        purpose: `cert-manager ${tls.issuer.type} issuer`,
      });
    }
    ctx.offer(Contracts.certificateIssuer, issuer);
    // An ACME CA cannot certify in-cluster names (`*.svc`), and an external issuer may not: the
    // webhooks get certificates from a CA of the platform's own unless the issuer is one.
    const ownCa = issuer.type === 'platformCa' || issuer.type === 'ca';
    if (!ownCa && !certManager) {
      // The in-cluster CA's root goes where the cluster's cert-manager reads ClusterIssuer
      // Secrets.
      Prerequisites.of(infrastructure).requireNamespace({
        name: clusterResourceNamespace,
        purpose:
          "cert-manager's cluster resource namespace: the platform's in-cluster CA for webhook certificates keeps its root there (certManager.mode external)",
      });
    }
    ctx.offer(
      Contracts.serviceIssuer,
      ownCa
        ? issuer
        : (certManager?.addIssuer('ServiceIssuer', SERVICE_CA) ??
            SERVICE_CA.bind(infrastructure, 'ServiceIssuer', { clusterResourceNamespace })),
    );
  },
});
