import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { disruptionBudget, httpService } from '../core/service';
import {
  IOidcProvider,
  KUBEFLOW_GROUPS_HEADER,
  KUBEFLOW_USERID_HEADER,
  OidcClient,
  OidcEndpoints,
} from '../core/identity';
import { resolveImage } from '../core/images';
import { exposeThroughGateway } from '../core/gateway-exposure';
import { ExtAuthzHttpProvider, IGateway, IMesh } from '../core/mesh';
import { HOLD_UNTIL_PROXY_STARTS } from '../core/mesh-policy';
import { IMonitoring } from '../core/monitoring';
import { addOAuth2ProxyMonitoring } from './monitoring';
import { INamespace } from '../core/network';
import { ResourceSpec, toResourceRequirements } from '../core/resources';
import { SecretBinding, SecretSource } from '../core/secrets';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { throwIfProblems } from '../core/validation';
import { OAUTH2_PROXY_DEFAULT_RESOURCES } from './defaults';
import { GatewayAuthentication, PublicPath } from './gateway-auth';
import { MachineToMachine } from './machine-to-machine';
import {
  CLIENT_SECRET_KEY,
  COOKIE_SECRET_KEY,
  COOKIE_SECRET_LENGTH,
  OAUTH2_PROXY_NAMES,
  OAUTH2_PROXY_PATH,
  OAUTH2_PROXY_PORTS,
} from './names';
import { proxyArgs } from './private/args';
import { PROXY_LABELS } from './private/labels';
import { publicPathsOf } from './private/public-paths';
import { validateProxy } from './private/validate';
import { OAUTH2_PROXY_IMAGES } from './versions';

export interface OAuth2ProxyProps {
  /** The namespace the proxy runs in (`oauth2-proxy` on the platform). */
  readonly namespace: INamespace;
  /** Who logs users in: Dex, or an `ExternalOidcProvider`. */
  readonly provider: IOidcProvider;
  /** The ingress gateway the proxy protects. */
  readonly gateway: IGateway;
  /** The mesh the ext-authz provider is registered in. */
  readonly mesh: IMesh;
  /**
   * The provider's endpoints, when its discovery document is not reachable from the cluster
   * (Dex: the issuer is the public URL, the token and key endpoints are in-cluster). With them the
   * proxy skips discovery but still checks every token's issuer.
   * @default - OIDC discovery from the issuer URL
   */
  readonly endpoints?: OidcEndpoints;
  /** The host users reach the platform on, one of the gateway's hosts. @default - the gateway's first host */
  readonly host?: string;
  /** The client ID the proxy asks the provider for. @default 'oauth2-proxy' */
  readonly clientId?: string;
  /** The client's display name at the provider. @default 'Kubeflow' */
  readonly clientName?: string;
  /**
   * The cookie encryption key (key `cookieSecret`). oauth2-proxy base64url-decodes the value first
   * and uses the decoded bytes if there are 16, 24 or 32 of them, else the value's own bytes; the
   * length picks AES-128, -192 or -256. A Secret of yours should hold the base64url form of 32
   * random bytes (`openssl rand -base64 32 | tr -- '+/' '-_'`).
   * @default SecretSource.generated(): 43 random alphanumeric characters, which decode to a 32-byte
   * (AES-256) key; generated once in the cluster, never regenerated
   */
  readonly cookieSecret?: SecretSource;
  /** @default 'oauth2_proxy_kubeflow' */
  readonly cookieName?: string;
  /** Session lifetime; keep it at most the provider's ID token lifetime. @default Duration.hours(24) */
  readonly cookieExpire?: Duration;
  /** Refresh the session this often (needs a refresh token, scope `offline_access`). @default - never */
  readonly cookieRefresh?: Duration;
  /**
   * How long a login may take from the redirect to the provider until the callback
   * (`--cookie-csrf-expire`; since v7.15.0 the CSRF cookie is checked against this, not against
   * `cookieExpire`). A login that takes longer fails and starts again.
   * @default Duration.minutes(15) - upstream's default
   */
  readonly cookieCsrfExpire?: Duration;
  /** @default OAUTH2_PROXY_DEFAULT_SCOPES */
  readonly scopes?: readonly string[];
  /** Email domains allowed in; the provider decides who may log in. @default ['*'] */
  readonly emailDomains?: readonly string[];
  /** Paths answered with 401 instead of a login redirect (`--api-route`). @default KUBEFLOW_API_ROUTES */
  readonly apiRoutes?: readonly string[];
  /**
   * Further paths served without a login, on top of `/oauth2/*`, the provider's paths on the
   * gateway host and ACME HTTP-01 challenges.
   * @default []
   */
  readonly publicPaths?: readonly PublicPath[];
  /** The token claim that becomes `kubeflow-userid`. @default 'email' */
  readonly identityClaim?: string;
  /** The token claim that becomes `kubeflow-groups`. @default 'groups' */
  readonly groupsClaim?: string;
  /** Audiences the gateway accepts in the provider's tokens. @default - the proxy's client ID */
  readonly tokenAudiences?: readonly string[];
  /** Bearer tokens of machine identities, verified at the gateway. @default - none */
  readonly machineToMachine?: MachineToMachine;
  /**
   * Where the browser goes after sign-out (`/oauth2/sign_out?rd=...`): a path, or an absolute
   * URL (its host is added to `--whitelist-domain`), e.g. the provider's end-session endpoint.
   * @default '/'
   */
  readonly logoutRedirect?: string;
  /**
   * Called by the proxy on sign-out to end the provider's session (`--backend-logout-url`,
   * `{id_token}` is replaced). Dex v2.45.1 has no session to end.
   * @default - none
   */
  readonly backendLogoutUrl?: string;
  /** Sessions live in the cookie, so replicas share nothing. @default 2 */
  readonly replicas?: number;
  /** @default OAUTH2_PROXY_DEFAULT_RESOURCES */
  readonly resources?: ResourceSpec;
  /**
   * The cluster's monitoring: it scrapes the proxy's metrics through the sidecar and gets its
   * alerts (down, server errors).
   * @default - no scrape target and no alerts
   */
  readonly monitoring?: IMonitoring;
}

/** The user of the distroless images (`nonroot`). */
const NONROOT_UID = 65532;

/**
 * oauth2-proxy v7.15.2 as the gateway's authentication: a Deployment and Service in its own
 * namespace, an OIDC client registered with the provider, a cookie secret generated in the
 * cluster once, the ext-authz provider in the mesh config, the gateway route `/oauth2/`, and the
 * gateway's CUSTOM and DENY policies and RequestAuthentication (see `GatewayAuthentication`).
 * @see https://oauth2-proxy.github.io/oauth2-proxy/
 */
export class OAuth2Proxy extends Construct {
  public readonly namespace: string;
  public readonly host: string;
  /** FQDN of the Service. */
  public readonly serviceHost: string;
  /** `https://<host>/oauth2/callback`. */
  public readonly redirectUrl: string;
  /** The client registered with the provider. */
  public readonly client: OidcClient;
  public readonly cookieSecret: SecretBinding;
  /** The ext-authz provider registered in the mesh. */
  public readonly extensionProvider: ExtAuthzHttpProvider;
  /** Every path served without a login. */
  public readonly publicPaths: readonly PublicPath[];
  /** Where a sign-out link points, e.g. the central dashboard's `LOGOUT_URL`. */
  public readonly logoutUrl: string;
  /** The header Kubeflow reads the user from. */
  public readonly userIdHeader = KUBEFLOW_USERID_HEADER;
  public readonly groupsHeader = KUBEFLOW_GROUPS_HEADER;
  public readonly replicas: number;
  public readonly resources: ResourceSpec;
  public readonly deployment: k8s.KubeDeployment;
  public readonly gatewayAuthentication: GatewayAuthentication;

  public constructor(scope: Construct, id: string, props: OAuth2ProxyProps) {
    super(scope, id);
    throwIfProblems('OAuth2Proxy', validateProxy(props));
    const ns = props.namespace.name;
    this.namespace = ns;
    this.host = props.host ?? props.gateway.hosts[0];
    this.serviceHost = `${OAUTH2_PROXY_NAMES.oauth2Proxy}.${ns}.svc.cluster.local`;
    this.redirectUrl = `https://${this.host}${OAUTH2_PROXY_PATH}/callback`;
    this.replicas = props.replicas ?? 2;
    this.resources = props.resources ?? OAUTH2_PROXY_DEFAULT_RESOURCES;
    const logoutRedirect = props.logoutRedirect ?? '/';
    this.logoutUrl = `${OAUTH2_PROXY_PATH}/sign_out?rd=${encodeURIComponent(logoutRedirect)}`;
    this.publicPaths = publicPathsOf(props, this.host);

    this.client = props.provider.registerClient(OAUTH2_PROXY_NAMES.clientId, {
      clientId: props.clientId ?? OAUTH2_PROXY_NAMES.clientId,
      name: props.clientName ?? 'Kubeflow',
      redirectUris: [this.redirectUrl],
      namespace: ns,
    });
    this.cookieSecret = (props.cookieSecret ?? SecretSource.generated()).bind(
      this,
      'CookieSecret',
      {
        namespace: ns,
        secretName: OAUTH2_PROXY_NAMES.cookieSecret,
        keys: [COOKIE_SECRET_KEY],
        labels: PROXY_LABELS.options('cookie-secret'),
        // oauth2-proxy base64url-decodes the secret before it picks the AES key size
        // (pkg/encryption.SecretBytes): 43 alphanumeric characters are valid base64url and decode
        // to 32 bytes, AES-256, with 43 x log2(62) = 256 bits of randomness. (32 characters
        // decode to 24 bytes: AES-192.)
        valueLength: COOKIE_SECRET_LENGTH,
      },
    );

    const labels = PROXY_LABELS.labels('proxy');
    const selector = PROXY_LABELS.selector('proxy');
    const metadata = { name: OAUTH2_PROXY_NAMES.oauth2Proxy, namespace: ns, labels };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountServiceAccountToken: false,
    });

    const args = proxyArgs(props, {
      issuer: props.provider.issuerUrl,
      clientId: this.client.clientId,
      redirectUrl: this.redirectUrl,
      logoutRedirect,
    });
    const probe = (path: string): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http'), scheme: 'HTTP' },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    });

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            annotations: { ...HOLD_UNTIL_PROXY_STARTS },
          },
          spec: {
            serviceAccountName: OAUTH2_PROXY_NAMES.oauth2Proxy,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext({
              runAsUser: NONROOT_UID,
              runAsGroup: NONROOT_UID,
              fsGroup: NONROOT_UID,
            }),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [
              {
                name: OAUTH2_PROXY_NAMES.container,
                image: resolveImage(this, OAUTH2_PROXY_IMAGES.oauth2Proxy),
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [
                  {
                    name: 'OAUTH2_PROXY_CLIENT_SECRET',
                    valueFrom: { secretKeyRef: this.client.secret.keyRef(CLIENT_SECRET_KEY) },
                  },
                  {
                    name: 'OAUTH2_PROXY_COOKIE_SECRET',
                    valueFrom: { secretKeyRef: this.cookieSecret.keyRef(COOKIE_SECRET_KEY) },
                  },
                ],
                ports: [
                  { name: 'http', containerPort: OAUTH2_PROXY_PORTS.http, protocol: 'TCP' },
                  { name: 'metrics', containerPort: OAUTH2_PROXY_PORTS.metrics, protocol: 'TCP' },
                ],
                livenessProbe: probe('/ping'),
                readinessProbe: probe('/ready'),
                resources: toResourceRequirements(this.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });

    httpService(this, 'Service', { metadata, selector, port: OAUTH2_PROXY_PORTS.service });
    if (props.monitoring) {
      addOAuth2ProxyMonitoring(this, {
        monitoring: props.monitoring,
        namespace: props.namespace,
        podLabels: selector,
        deployment: this.deployment,
      });
    }
    disruptionBudget(this, 'PodDisruptionBudget', { metadata, selector, replicas: this.replicas });

    exposeThroughGateway(this, {
      gateway: props.gateway,
      namespace: props.namespace,
      id: OAUTH2_PROXY_NAMES.route,
      prefix: `${OAUTH2_PROXY_PATH}/`,
      service: { host: this.serviceHost, port: OAUTH2_PROXY_PORTS.service },
      podPort: OAUTH2_PROXY_PORTS.http,
      podLabels: selector,
      description: 'ext-authz checks and the sign-in flow from the ingress gateway',
      component: 'oauth2-proxy',
      labels: PROXY_LABELS.labels('mesh-policy'),
      authorizationPolicyName: OAUTH2_PROXY_NAMES.authorizationPolicy,
    });

    this.extensionProvider = {
      name: OAUTH2_PROXY_NAMES.extensionProvider,
      service: this.serviceHost,
      port: OAUTH2_PROXY_PORTS.service,
      includeRequestHeadersInCheck: ['authorization', 'cookie'],
      headersToUpstreamOnAllow: [
        'authorization',
        'path',
        'x-auth-request-email',
        'x-auth-request-groups',
        'x-auth-request-user',
      ],
      headersToDownstreamOnDeny: ['content-type', 'set-cookie'],
    };
    props.mesh.addExtensionProvider(this.extensionProvider);
    this.gatewayAuthentication = new GatewayAuthentication(this, 'GatewayAuthentication', {
      gateway: props.gateway,
      providerName: this.extensionProvider.name,
      publicPaths: this.publicPaths,
      issuer: props.provider.issuerUrl,
      jwksUri: props.endpoints?.jwks ?? props.provider.jwksUri,
      audiences: props.tokenAudiences ?? [this.client.clientId],
      identityClaim: props.identityClaim ?? props.provider.userClaim ?? 'email',
      groupsClaim: props.groupsClaim ?? 'groups',
      ...(props.machineToMachine ? { machineToMachine: props.machineToMachine } : {}),
    });
  }
}
