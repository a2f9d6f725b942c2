import { createHash } from 'node:crypto';
import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { goDuration } from '../core/duration';
import { disruptionBudget, httpService } from '../core/service';
import { IOidcProvider, OidcClient, OidcClientRequest } from '../core/identity';
import { resolveImage } from '../core/images';
import { Layer, scopeInLayer } from '../core/layers';
import { GatewayExposure, exposeThroughGateway } from '../core/gateway-exposure';
import { IGateway, IMesh } from '../core/mesh';
import { IMonitoring } from '../core/monitoring';
import { standardLabels } from '../core/labels';
import { MAX_LABEL_NAME, boundedName } from '../core/names';
import { INamespace, NetworkPeer } from '../core/network';
import { Prerequisites } from '../core/prerequisites';
import { ResourceSpec } from '../core/resources';
import { SecretBinding, SecretSource } from '../core/secrets';
import { throwIfProblems } from '../core/validation';
import { DexSecretRef } from './connector-options';
import { DexConnector, RenderedConnector } from './connectors';
import { DexCrds } from './crds';
import { DexExpiry, renderExpiry } from './expiry';
import { DexMeshPolicy } from './mesh-policy';
import { addDexMonitoring } from './monitoring';
import {
  DEX_CLIENT_SECRET_KEY,
  DEX_NAMES,
  DEX_PASSWORD_HASH_KEY,
  DEX_PASSWORD_KEY,
  DEX_PATH,
  DEX_PORTS,
  dexClientSecretName,
} from './names';
import { RenderedClient, renderDexConfig } from './private/config';
import { DEX_LABELS } from './private/labels';
import { DexValidationInput, validateClient, validateDex } from './private/validate';
import { envFragment, nameFragment } from './private/util';
import { DEX_CONFIG_KEY, dexDeployment } from './private/workload';
import { DexRbac } from './rbac';
import { StaticUser } from './static-users';
import { DEX_IMAGES } from './versions';

/** Requests and limits of the Dex container: a small Go server. */
export const DEX_DEFAULT_RESOURCES: ResourceSpec = {
  cpu: { request: '50m', limit: '500m' },
  memory: { request: '64Mi', limit: '256Mi' },
};

export interface DexProps {
  /** The namespace Dex runs in (`auth` on the platform); receives Dex's network allows. */
  readonly namespace: INamespace;
  /** The ingress gateway: its host makes the issuer, and it routes `/dex/` to Dex. */
  readonly gateway: IGateway;
  /** The mesh: istiod must fetch Dex's signing keys for the gateway's token checks. */
  readonly mesh: IMesh;
  /**
   * The host of the issuer (`https://<host>/dex`), one of the gateway's hosts, with a port if the
   * gateway is not reached on 443.
   * @default - the gateway's first host
   */
  readonly host?: string;
  /** Upstream identity providers. @default [] */
  readonly connectors?: readonly DexConnector[];
  /** Users of Dex's password database. @default [] */
  readonly staticUsers?: readonly StaticUser[];
  /**
   * A production install: static users are refused unless `allowStaticUsers` says why. The prod
   * preset sets this.
   * @default false
   */
  readonly production?: boolean;
  /** Why static users are acceptable in production (at least 10 characters). @default - not allowed */
  readonly allowStaticUsers?: { readonly reason: string };
  /** @default - see `DexExpiry` */
  readonly expiry?: DexExpiry;
  /** How often Dex rotates its signing keys (`signer.config.keysRotationPeriod`). @default Duration.hours(6) */
  readonly keysRotationPeriod?: Duration;
  /** @default 'info' */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Dex replicas. Every replica reads and writes the same Kubernetes storage (login state, signing
   * keys), so any replica can serve any step of a login and the Service needs no session affinity;
   * with two or more, a PodDisruptionBudget keeps one running. Two, as Kubeflow 26.03.1 runs it.
   * @default 2
   */
  readonly replicas?: number;
  /** @default DEX_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /**
   * The cluster's monitoring: it scrapes Dex's telemetry port through the sidecar and gets Dex's
   * alerts (down, server errors).
   * @default - no scrape target and no alerts
   */
  readonly monitoring?: IMonitoring;
}

/** A client registered with Dex. */
export interface DexClient {
  /** Registration ID (construct and Secret naming). */
  readonly id: string;
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  /** Namespace of the client's pods, where its secret is readable too. */
  readonly namespace: string;
  readonly secret: SecretBinding;
}

/** A generated static password: where to read it. */
export interface DexGeneratedPassword {
  readonly email: string;
  readonly namespace: string;
  readonly secretName: string;
  readonly key: string;
}

/**
 * Dex's endpoints for a client that cannot use discovery: the browser-facing authorization
 * endpoint, and the token and key endpoints inside the cluster.
 */
export interface DexEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly jwks: string;
}

/**
 * Dex v2.45.1, the platform's OpenID Connect provider: its storage CRDs (CRDs layer), a Deployment
 * with its ServiceAccount, namespaced RBAC for the Kubernetes storage, a ConfigMap rendered from
 * typed props that holds no credential (not even a password hash), a Service, the gateway route
 * `/dex/`, network allows and Istio policy. Clients (the auth proxy) register through
 * `IOidcProvider.registerClient`.
 * @see https://dexidp.io/docs/
 */
export class Dex extends Construct implements IOidcProvider {
  /** `https://<host>/dex`, as in the `iss` claim. */
  public readonly issuerUrl: string;
  /** In-cluster URL of the signing keys. */
  public readonly jwksUri: string;
  public readonly endpoints: DexEndpoints;
  public readonly peer: NetworkPeer;
  public readonly namespace: string;
  public readonly host: string;
  /** FQDN of the Service. */
  public readonly serviceHost: string;
  public readonly crds: DexCrds;
  public readonly connectors: readonly DexConnector[];
  public readonly staticUsers: readonly StaticUser[];
  public readonly generatedPasswords: readonly DexGeneratedPassword[];
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly deployment: k8s.KubeDeployment;
  public readonly configMap: k8s.KubeConfigMap;

  private readonly registered: DexClient[] = [];
  private readonly exposure: GatewayExposure;

  public constructor(scope: Construct, id: string, props: DexProps) {
    super(scope, id);
    const input: DexValidationInput = {
      ...props,
      connectors: props.connectors ?? [],
      staticUsers: props.staticUsers ?? [],
    };
    throwIfProblems('Dex', validateDex(input));

    const ns = props.namespace.name;
    this.namespace = ns;
    this.host = props.host ?? props.gateway.hosts[0];
    this.issuerUrl = `https://${this.host}${DEX_PATH}`;
    this.serviceHost = `${DEX_NAMES.dex}.${ns}.svc.cluster.local`;
    const inCluster = `http://${this.serviceHost}:${DEX_PORTS.http}${DEX_PATH}`;
    this.jwksUri = `${inCluster}/keys`;
    this.endpoints = {
      authorization: `${this.issuerUrl}/auth`,
      token: `${inCluster}/token`,
      jwks: this.jwksUri,
    };
    this.peer = NetworkPeer.namespace(ns, DEX_LABELS.selector('server'));
    this.connectors = [...input.connectors];
    this.staticUsers = [...input.staticUsers];
    this.replicas = props.replicas ?? 2;
    this.resources = props.resources ?? DEX_DEFAULT_RESOURCES;

    this.crds = new DexCrds(scopeInLayer(this, Layer.CRDS), 'Crds');
    new DexRbac(this, 'Rbac', { namespace: ns });

    const rendered = this.connectors.map((c) =>
      c.render({ redirectURI: `${this.issuerUrl}/callback` }),
    );
    this.requireConnectorSecrets(rendered);
    this.generatedPasswords = this.staticUsers.flatMap((u) => {
      const p = u.password;
      if (p.type === 'secret') {
        Prerequisites.of(this).requireSecret({
          namespace: ns,
          name: p.secret.name,
          keys: [p.secret.key],
          purpose: `dex static user ${u.email} (bcrypt hash)`,
        });
      }
      const userLabels = {
        ...DEX_LABELS.options('static-user'),
        instance: boundedName([u.email], { max: MAX_LABEL_NAME }),
      };
      if (p.type === 'hash') {
        // The hash is a credential: Dex reads it from this Secret (`hashFromEnv`), never from the
        // ConfigMap. The Secret is a literal in the output, which production refuses.
        new k8s.KubeSecret(this, `PasswordHash-${nameFragment(u.email)}`, {
          metadata: {
            name: p.secretName,
            namespace: ns,
            labels: standardLabels(userLabels),
          },
          type: 'Opaque',
          stringData: { [DEX_PASSWORD_HASH_KEY]: u.literalHash() },
        });
      }
      if (p.type !== 'generated') return [];
      const binding = SecretSource.generated().bind(this, `Password-${nameFragment(u.email)}`, {
        namespace: ns,
        secretName: p.secretName,
        keys: [DEX_PASSWORD_KEY],
        labels: userLabels,
      });
      return [
        { email: u.email, namespace: ns, secretName: binding.secretName, key: DEX_PASSWORD_KEY },
      ];
    });

    const labels = DEX_LABELS.labels('server');
    const metadata = { name: DEX_NAMES.dex, namespace: ns, labels };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountServiceAccountToken: false,
    });

    const config = (): string =>
      renderDexConfig({
        issuer: this.issuerUrl,
        logLevel: props.logLevel ?? 'info',
        expiry: renderExpiry(props.expiry),
        keysRotationPeriod: goDuration(props.keysRotationPeriod ?? Duration.hours(6)),
        connectors: rendered.map((r) => r.entry),
        staticPasswords: this.staticUsers.map((u) => u.render().entry),
        clients: this.registered.map((c): RenderedClient => ({
          id: c.clientId,
          name: c.name,
          redirectURIs: c.redirectUris,
          secretEnv: clientSecretEnv(c.id),
        })),
      });
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata,
      data: { [DEX_CONFIG_KEY]: Lazy.any({ produce: config }) as string },
    });

    const env = (): k8s.EnvVar[] => [
      {
        name: 'KUBERNETES_POD_NAMESPACE',
        valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
      },
      ...this.registered.map((c) => ({
        name: clientSecretEnv(c.id),
        valueFrom: { secretKeyRef: c.secret.keyRef(DEX_CLIENT_SECRET_KEY) },
      })),
      ...rendered.flatMap((r) => r.env),
      ...this.staticUsers.flatMap((u) => u.render().env),
    ];
    const selector = DEX_LABELS.selector('server');
    this.deployment = dexDeployment(this, {
      namespace: ns,
      labels,
      selector,
      image: resolveImage(this, DEX_IMAGES.dex),
      replicas: this.replicas,
      resources: this.resources,
      env,
      configChecksum: () => createHash('sha256').update(config()).digest('hex'),
      volumes: rendered.flatMap((r) => r.volumes),
      volumeMounts: rendered.flatMap((r) => r.volumeMounts),
    });

    httpService(this, 'Service', { metadata, selector, port: DEX_PORTS.http });
    disruptionBudget(this, 'PodDisruptionBudget', { metadata, selector, replicas: this.replicas });

    this.exposure = exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: DEX_NAMES.route,
      prefix: `${DEX_PATH}/`,
      service: { host: this.serviceHost, port: DEX_PORTS.http },
      podLabels: selector,
      description: 'Login pages, token and keys of Dex through the ingress gateway',
      component: 'Dex',
      labels: DEX_LABELS.labels('mesh-policy'),
      authorizationPolicyName: DEX_NAMES.authorizationPolicy,
    });
    props.namespace.allowIngress('dex-keys-from-istiod', {
      description: "istiod fetches Dex's signing keys to verify tokens at the gateway",
      podLabels: selector,
      from: [props.mesh.controlPlanePeer],
      ports: [{ port: DEX_PORTS.http }],
    });
    new DexMeshPolicy(this, 'MeshPolicy', { namespace: ns, exposure: this.exposure });
    if (props.monitoring) {
      addDexMonitoring(this, {
        monitoring: props.monitoring,
        namespace: props.namespace,
        podLabels: selector,
        deployment: this.deployment,
      });
    }
  }

  /** The registered clients, in registration order. */
  public get clients(): readonly DexClient[] {
    return [...this.registered];
  }

  /**
   * Registers a static client. Its secret comes from `secret` (default: generated in Dex's
   * namespace once, and copied to `request.namespace` so that Dex and the client read the same
   * value), under the Secret name `dex-client-<id>` and the key `clientSecret`. Dex reads it
   * through `secretEnv`; it never appears in the config.
   */
  public registerClient(
    id: string,
    request: OidcClientRequest,
    secret: SecretSource = SecretSource.generated(),
  ): OidcClient {
    throwIfProblems(`Dex client "${id}"`, validateClient(id, request, this.registered));

    const binding = secret.bind(this, `Client-${id}`, {
      namespace: this.namespace,
      secretName: dexClientSecretName(id),
      keys: [DEX_CLIENT_SECRET_KEY],
      labels: { ...DEX_LABELS.options('client'), instance: id },
      sharedWith: [request.namespace],
    });
    this.registered.push({
      id,
      clientId: request.clientId,
      name: request.name,
      redirectUris: [...request.redirectUris],
      namespace: request.namespace,
      secret: binding,
    });
    this.exposure.allowFromNamespace(request.namespace, {
      description: `OIDC client ${request.clientId} redeems codes and reads keys in-cluster`,
    });
    return { clientId: request.clientId, secret: binding };
  }

  private requireConnectorSecrets(rendered: readonly RenderedConnector[]): void {
    rendered.forEach((r, i) => {
      const byName = new Map<string, DexSecretRef[]>();
      for (const s of r.secrets) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
      for (const [name, refs] of byName) {
        Prerequisites.of(this).requireSecret({
          namespace: this.namespace,
          name,
          keys: refs.map((s) => s.key),
          purpose: `dex connector ${this.connectors[i].id}`,
        });
      }
    });
  }
}

/** The environment variable that carries client `id`'s secret (`staticClients[].secretEnv`). */
function clientSecretEnv(id: string): string {
  return `DEX_CLIENT_${envFragment(id)}_SECRET`;
}
