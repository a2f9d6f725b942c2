import { INamespace, NetworkPeer } from '../core/network';
import { ACME_HTTP01_SOLVER } from './names';

/**
 * A key in a Secret. For a ClusterIssuer the Secret lives in cert-manager's cluster resource
 * namespace (the namespace cert-manager runs in). Credentials are only ever referenced.
 */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** Which challenges a solver answers; without a selector it answers all of them. */
export interface AcmeSolverSelector {
  /** Domains (and their subdomains) this solver answers for. @default - every domain */
  readonly dnsZones?: readonly string[];
  /** Exact names this solver answers for. @default - every name */
  readonly dnsNames?: readonly string[];
}

export interface AcmeHttp01Options extends AcmeSolverSelector {
  /**
   * Ingress class of the solver Ingress, set as the `kubernetes.io/ingress.class` annotation
   * (upstream field `class`). Istio's ingress gateway serves Ingresses annotated with its class
   * `istio` without an IngressClass object, which `ingressClassName` would need.
   * @default 'istio' (unless `ingressClassName` is given)
   */
  readonly ingressClass?: string;
  /**
   * Set `spec.ingressClassName` instead; the cluster must have an IngressClass of that name.
   * @default - not set
   */
  readonly ingressClassName?: string;
  /**
   * Type of the solver Service. The gateway routes to it inside the cluster, so upstream's
   * default NodePort would only open a port on every node for nothing.
   * @default 'ClusterIP'
   */
  readonly serviceType?: 'ClusterIP' | 'NodePort';
  /**
   * Let Istio inject a sidecar into solver pods. They are short-lived plain HTTP responders the
   * gateway reaches directly; a sidecar only delays them.
   * @default false
   */
  readonly meshSidecar?: boolean;
}

/** Credentials of a Route 53 solver: by reference, or ambient (IRSA, instance profile). */
export interface Route53Options {
  /** @default - the region of the ambient credentials */
  readonly region?: string;
  /** @default - found from the domain */
  readonly hostedZoneID?: string;
  /** An IAM role to assume. @default - none */
  readonly role?: string;
  /** Access key ID. Give it together with `secretAccessKeySecretRef`. @default - ambient credentials */
  readonly accessKeyIDSecretRef?: SecretKeyRef;
  /** Secret access key. @default - ambient credentials */
  readonly secretAccessKeySecretRef?: SecretKeyRef;
  /**
   * A ServiceAccount whose bound token is exchanged for AWS credentials (AssumeRoleWithWebIdentity).
   * cert-manager may create tokens only for its own account (`cert-manager`) unless you grant more.
   * @default - none
   */
  readonly serviceAccountRef?: { readonly name: string; readonly audiences?: readonly string[] };
}

export interface CloudDnsOptions {
  /** The Google Cloud project of the zone. */
  readonly project: string;
  /** @default - found from the domain */
  readonly hostedZoneName?: string;
  /** A service account key (JSON). @default - ambient credentials (Workload Identity) */
  readonly serviceAccountSecretRef?: SecretKeyRef;
}

/** How an Azure DNS solver authenticates. */
export abstract class AzureDnsAuth {
  /** A managed identity (AKS workload or pod identity). With no IDs, the default identity. */
  public static managedIdentity(
    opts: { clientID?: string; resourceID?: string; tenantID?: string } = {},
  ): AzureDnsAuth {
    return new (class extends AzureDnsAuth {
      public render(): Record<string, unknown> {
        return { managedIdentity: { ...opts } };
      }
    })();
  }

  /** A service principal whose client secret is in a Secret. */
  public static servicePrincipal(opts: {
    clientID: string;
    tenantID: string;
    clientSecretSecretRef: SecretKeyRef;
  }): AzureDnsAuth {
    return new (class extends AzureDnsAuth {
      public render(): Record<string, unknown> {
        return {
          clientID: opts.clientID,
          tenantID: opts.tenantID,
          clientSecretSecretRef: { ...opts.clientSecretSecretRef },
        };
      }
    })();
  }

  /** @internal */
  public abstract render(): Record<string, unknown>;
}

export interface AzureDnsOptions {
  readonly subscriptionID: string;
  readonly resourceGroupName: string;
  /** @default - found from the domain */
  readonly hostedZoneName?: string;
  /** @default - 'AzurePublicCloud' (upstream default, not rendered) */
  readonly environment?:
    'AzurePublicCloud' | 'AzureChinaCloud' | 'AzureGermanCloud' | 'AzureUSGovernmentCloud';
  /**
   * A public zone, or an Azure Private DNS zone (new in cert-manager v1.20, experimental
   * upstream). The ACME server looks the TXT record up itself, so a private zone only works with
   * an ACME server that resolves it, such as a private CA inside the network.
   * @default - 'AzurePublicZone' (upstream default, not rendered)
   */
  readonly zoneType?: 'AzurePublicZone' | 'AzurePrivateZone';
  readonly auth: AzureDnsAuth;
}

/**
 * The DNS provider a DNS-01 solver writes `_acme-challenge` TXT records to, rendered with the
 * upstream keys of `spec.acme.solvers[].dns01`.
 * @see https://cert-manager.io/docs/configuration/acme/dns01/
 */
export abstract class Dns01Provider {
  /** Cloudflare with an API token (Zone:DNS:Edit and Zone:Zone:Read). */
  public static cloudflare(opts: { apiTokenSecretRef: SecretKeyRef }): Dns01Provider {
    return provider('cloudflare', { apiTokenSecretRef: { ...opts.apiTokenSecretRef } });
  }

  /** AWS Route 53. */
  public static route53(opts: Route53Options = {}): Dns01Provider {
    const keyRefs = [opts.accessKeyIDSecretRef, opts.secretAccessKeySecretRef].filter(Boolean);
    if (keyRefs.length === 1) {
      throw new Error(
        '`route53` has only one half of an access key (got accessKeyIDSecretRef or secretAccessKeySecretRef alone). Give both, or neither to use ambient credentials.',
      );
    }
    if (keyRefs.length === 2 && opts.serviceAccountRef) {
      throw new Error(
        '`route53` has both an access key and a serviceAccountRef (got both). Choose one way to authenticate.',
      );
    }
    return provider('route53', {
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.hostedZoneID ? { hostedZoneID: opts.hostedZoneID } : {}),
      ...(opts.role ? { role: opts.role } : {}),
      ...(opts.accessKeyIDSecretRef
        ? { accessKeyIDSecretRef: { ...opts.accessKeyIDSecretRef } }
        : {}),
      ...(opts.secretAccessKeySecretRef
        ? { secretAccessKeySecretRef: { ...opts.secretAccessKeySecretRef } }
        : {}),
      ...(opts.serviceAccountRef
        ? {
            auth: {
              kubernetes: {
                serviceAccountRef: {
                  name: opts.serviceAccountRef.name,
                  ...(opts.serviceAccountRef.audiences
                    ? { audiences: [...opts.serviceAccountRef.audiences] }
                    : {}),
                },
              },
            },
          }
        : {}),
    });
  }

  /** Google Cloud DNS. */
  public static cloudDns(opts: CloudDnsOptions): Dns01Provider {
    if (!opts.project.trim()) {
      throw new Error('`cloudDns.project` is empty (got ""). Give the Google Cloud project ID.');
    }
    return provider('cloudDNS', {
      project: opts.project,
      ...(opts.hostedZoneName ? { hostedZoneName: opts.hostedZoneName } : {}),
      ...(opts.serviceAccountSecretRef
        ? { serviceAccountSecretRef: { ...opts.serviceAccountSecretRef } }
        : {}),
    });
  }

  /** Azure DNS. */
  public static azureDns(opts: AzureDnsOptions): Dns01Provider {
    return provider('azureDNS', {
      subscriptionID: opts.subscriptionID,
      resourceGroupName: opts.resourceGroupName,
      ...(opts.hostedZoneName ? { hostedZoneName: opts.hostedZoneName } : {}),
      ...(opts.environment ? { environment: opts.environment } : {}),
      ...(opts.zoneType ? { zoneType: opts.zoneType } : {}),
      ...opts.auth.render(),
    });
  }

  /** The upstream key of the provider, e.g. `cloudDNS`. */
  public abstract readonly key: string;

  /** `{ <key>: config }`, the provider part of a `dns01` solver. @internal */
  public abstract render(): Record<string, unknown>;
}

function provider(key: string, config: Record<string, unknown>): Dns01Provider {
  return new (class extends Dns01Provider {
    public readonly key = key;
    public render(): Record<string, unknown> {
      return { [key]: config };
    }
  })();
}

/**
 * How an ACME issuer proves control of a domain.
 * @see https://cert-manager.io/docs/configuration/acme/#solving-challenges
 */
export abstract class AcmeSolver {
  /**
   * HTTP-01 through the ingress gateway: cert-manager creates a solver pod, Service and Ingress
   * in the Certificate's namespace, and the gateway (Istio's Kubernetes Ingress support) routes
   * `/.well-known/acme-challenge/<token>` on port 80 to it. The gateway must serve plain HTTP on
   * port 80 for those paths, and the Certificate's namespace must let the gateway reach the
   * solver pods (see `allowAcmeHttp01Solvers`). Cannot issue wildcard certificates.
   */
  public static http01(opts: AcmeHttp01Options = {}): AcmeSolver {
    if (opts.ingressClass && opts.ingressClassName) {
      throw new Error(
        '`http01` has both ingressClass and ingressClassName (got both). cert-manager accepts only one; use ingressClass for Istio.',
      );
    }
    const ingressClass = opts.ingressClassName
      ? { ingressClassName: opts.ingressClassName }
      : { class: opts.ingressClass ?? 'istio' };
    const ingress = {
      ...ingressClass,
      serviceType: opts.serviceType ?? 'ClusterIP',
      ...(opts.meshSidecar
        ? {}
        : {
            podTemplate: {
              metadata: { annotations: { 'sidecar.istio.io/inject': 'false' } },
            },
          }),
    };
    return solver('http01', opts, { http01: { ingress } });
  }

  /** DNS-01 with a DNS provider; the only way to issue wildcard certificates. */
  public static dns01(
    dnsProvider: Dns01Provider,
    opts: AcmeSolverSelector & {
      /** Follow CNAMEs of `_acme-challenge` records to another zone. @default 'None' (not rendered) */
      readonly cnameStrategy?: 'None' | 'Follow';
    } = {},
  ): AcmeSolver {
    return solver('dns01', opts, {
      dns01: {
        ...(opts.cnameStrategy ? { cnameStrategy: opts.cnameStrategy } : {}),
        ...dnsProvider.render(),
      },
    });
  }

  public abstract readonly challengeType: 'http01' | 'dns01';

  /** One item of `spec.acme.solvers`. @internal */
  public abstract render(): Record<string, unknown>;
}

function solver(
  challengeType: 'http01' | 'dns01',
  selector: AcmeSolverSelector,
  config: Record<string, unknown>,
): AcmeSolver {
  const hasSelector = Boolean(selector.dnsZones?.length || selector.dnsNames?.length);
  return new (class extends AcmeSolver {
    public readonly challengeType = challengeType;
    public render(): Record<string, unknown> {
      return {
        ...(hasSelector
          ? {
              selector: {
                ...(selector.dnsNames?.length ? { dnsNames: [...selector.dnsNames] } : {}),
                ...(selector.dnsZones?.length ? { dnsZones: [...selector.dnsZones] } : {}),
              },
            }
          : {}),
        ...config,
      };
    }
  })();
}

/**
 * Lets `gateway` reach the HTTP-01 solver pods cert-manager starts in `namespace` (where the
 * Certificate is). Needed in every namespace with default-deny ingress that requests
 * certificates from an ACME issuer with an HTTP-01 solver.
 */
export function allowAcmeHttp01Solvers(namespace: INamespace, gateway: NetworkPeer): void {
  namespace.allowIngress('acme-http01-solver', {
    description:
      'ACME HTTP-01 challenge requests from the ingress gateway to cert-manager solver pods',
    podLabels: { ...ACME_HTTP01_SOLVER.podLabels },
    from: [gateway],
    ports: [{ port: ACME_HTTP01_SOLVER.port }],
  });
}
