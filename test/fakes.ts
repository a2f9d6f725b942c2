/**
 * Stand-ins for the contracts in constructs/core, for tests of one component without the
 * component that offers the contract. Each fake creates no objects and records what it is asked,
 * so that a test can assert the request.
 */
import { Construct } from 'constructs';
import { ICertificateIssuer } from '../constructs/core/certificates';
import { IOidcProvider, OidcClient, OidcClientRequest } from '../constructs/core/identity';
import { ExtAuthzHttpProvider, GatewayRoute, IGateway, IMesh } from '../constructs/core/mesh';
import {
  Alert,
  AlertGroup,
  Dashboard,
  IMonitoring,
  scrapeJob,
  ScrapeJob,
  ScrapeTarget,
} from '../constructs/core/monitoring';
import { INamespace, IngressAllow, NetworkPeer } from '../constructs/core/network';
import {
  IObjectStore,
  S3CredentialsRef,
  ScopedCredentialsRequest,
} from '../constructs/core/object-store';
import { SecretBinding } from '../constructs/core/secrets';

/** The host the fake gateway serves. */
export const HOST = 'kubeflow.example.com';
/** Where the fake gateway and the fake mesh's control plane run. */
export const GATEWAY_NS = 'istio-system';
export const GATEWAY_SELECTOR = { istio: 'ingressgateway' } as const;

/** A stand-in for the Istio ingress gateway: it records the routes it is asked for. */
export class FakeGateway extends Construct implements IGateway {
  public readonly hosts: readonly string[];
  public readonly gatewayRef = `${GATEWAY_NS}/platform-gateway`;
  public readonly namespace = GATEWAY_NS;
  public readonly selector = GATEWAY_SELECTOR;
  public readonly peer = NetworkPeer.namespace(GATEWAY_NS, { ...GATEWAY_SELECTOR });
  public readonly principal: string | undefined;
  public readonly routes: { id: string; route: GatewayRoute }[] = [];

  public constructor(
    scope: Construct,
    id: string,
    hosts: readonly string[] = [HOST],
    /** `null`: an external gateway whose service account is unknown. */
    serviceAccount: string | null = 'istio-ingressgateway',
  ) {
    super(scope, id);
    this.hosts = hosts;
    this.principal =
      serviceAccount === null ? undefined : `cluster.local/ns/${GATEWAY_NS}/sa/${serviceAccount}`;
  }

  public addRoute(id: string, route: GatewayRoute): void {
    this.routes.push({ id, route });
  }
}

/** A stand-in for the mesh: records extension providers. */
export class FakeMesh implements IMesh {
  public readonly rootNamespace = GATEWAY_NS;
  public readonly injectionLabels = { 'istio-injection': 'enabled' };
  public readonly controlPlanePeer = NetworkPeer.namespace(GATEWAY_NS, { app: 'istiod' });
  public readonly providers: ExtAuthzHttpProvider[] = [];

  public addExtensionProvider(provider: ExtAuthzHttpProvider): void {
    this.providers.push(provider);
  }
}

/** The platform's ClusterIssuer, as components see it. */
export const CLUSTER_ISSUER: ICertificateIssuer = {
  issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
};

/** A Secret the user manages, read under the keys asked for. */
export function fakeSecretBinding(secretName: string): SecretBinding {
  return {
    secretName,
    origin: 'existing',
    keyName: (key) => key,
    keyRef: (key) => ({ name: secretName, key }),
  };
}

/**
 * A stand-in for an OIDC provider in the cluster: records the clients registered with it and
 * hands each a Secret named `<id>-oidc-client`.
 */
export class FakeOidcProvider implements IOidcProvider {
  public readonly issuerUrl: string;
  public readonly jwksUri: string;
  public readonly peer: NetworkPeer | undefined;
  public readonly clients: { id: string; request: OidcClientRequest }[] = [];

  public constructor(
    opts: {
      issuerUrl?: string;
      jwksUri?: string;
      /** `null`: a provider outside the cluster. @default the pods of namespace `auth` */
      peer?: NetworkPeer | null;
    } = {},
  ) {
    this.issuerUrl = opts.issuerUrl ?? `https://${HOST}/dex`;
    this.jwksUri = opts.jwksUri ?? 'http://dex.auth.svc.cluster.local:5556/dex/keys';
    this.peer = opts.peer === null ? undefined : (opts.peer ?? NetworkPeer.namespace('auth'));
  }

  public registerClient(id: string, request: OidcClientRequest): OidcClient {
    this.clients.push({ id, request });
    return { clientId: request.clientId, secret: fakeSecretBinding(`${id}-oidc-client`) };
  }
}

/** A stand-in for an S3 object store: records the peers granted access. */
export class FakeObjectStore implements IObjectStore {
  public readonly implementation = 's3';
  public readonly host = 's3.example.com';
  public readonly port = 443;
  public readonly secure = true;
  public readonly endpointUrl = 'https://s3.example.com:443';
  public readonly region = 'us-east-1';
  public readonly buckets: readonly string[];
  public readonly credentials: S3CredentialsRef = {
    secretName: 's3-credentials',
    namespace: 'kubeflow',
    accessKeyKey: 'accessKey',
    secretKeyKey: 'secretKey',
  };
  public readonly grants: { id: string; peer: NetworkPeer }[] = [];

  public constructor(buckets: readonly string[] = ['mlpipeline']) {
    this.buckets = buckets;
  }

  public grantAccess(id: string, peer: NetworkPeer): void {
    this.grants.push({ id, peer });
  }

  /** Records the request; the Secret is the requested one in the requested namespace. */
  public readonly scoped: ScopedCredentialsRequest[] = [];
  public scopedCredentials(_scope: Construct, request: ScopedCredentialsRequest): S3CredentialsRef {
    this.scoped.push(request);
    return {
      secretName: request.secretName ?? 'mlpipeline-minio-artifact',
      namespace: request.namespace,
      accessKeyKey: 'accesskey',
      secretKeyKey: 'secretkey',
    };
  }
}

/** A stand-in for a platform namespace: records the ingress allows added to it. */
export class FakeNamespace implements INamespace {
  public readonly allows: { id: string; allow: IngressAllow }[] = [];

  public constructor(public readonly name: string) {}

  public allowIngress(id: string, allow: IngressAllow): void {
    this.allows.push({ id, allow });
  }
}

/** Where the fake cluster Prometheus runs. */
export const PROMETHEUS_NS = 'monitoring';

/**
 * A stand-in for the cluster's monitoring: it records scrape targets, alert groups and dashboards
 * and creates nothing, so a component's test can assert what it asks for.
 */
export class FakeMonitoring implements IMonitoring {
  public readonly prometheusPeer = NetworkPeer.namespace(PROMETHEUS_NS, {
    'app.kubernetes.io/name': 'prometheus',
  });
  public readonly targets: ScrapeTarget[] = [];
  public readonly alertGroups: AlertGroup[] = [];
  public readonly dashboards: Dashboard[] = [];

  public scrape(_scope: Construct, target: ScrapeTarget): ScrapeJob {
    this.targets.push(target);
    return scrapeJob(target.id, target.namespace.name, target.meshed !== undefined);
  }

  public addAlerts(_scope: Construct, group: AlertGroup): void {
    this.alertGroups.push(group);
  }

  public addDashboard(_scope: Construct, dashboard: Dashboard): void {
    this.dashboards.push(dashboard);
  }

  /** Every alert asked for, by name. */
  public alert(name: string): Alert | undefined {
    return this.alertGroups.flatMap((g) => g.alerts).find((a) => a.name === name);
  }
}
