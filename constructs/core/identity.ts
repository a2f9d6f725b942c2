import { NetworkPeer } from './network';
import { SecretBinding } from './secrets';

/** The header Kubeflow reads the authenticated user from. */
export const KUBEFLOW_USERID_HEADER = 'kubeflow-userid';
/** The header Kubeflow reads the user's groups from. */
export const KUBEFLOW_GROUPS_HEADER = 'kubeflow-groups';

/** What an OIDC client (the auth proxy) asks of its provider. */
export interface OidcClientRequest {
  readonly clientId: string;
  readonly name: string;
  /** Exact redirect URIs, e.g. `https://kubeflow.example.com/oauth2/callback`. */
  readonly redirectUris: readonly string[];
  /** Namespace of the client's pods: the client secret must be readable there. */
  readonly namespace: string;
}

/** A registered client: its id and where its secret is, in the client's namespace. */
export interface OidcClient {
  readonly clientId: string;
  /** Holds the key `clientSecret`. */
  readonly secret: SecretBinding;
}

/**
 * An OpenID Connect provider: Dex installed by the platform, or the organisation's own. Components
 * that authenticate users depend on this, never on Dex.
 */
export interface IOidcProvider {
  /** The issuer exactly as it appears in tokens (`iss`), e.g. `https://kubeflow.example.com/dex`. */
  readonly issuerUrl: string;
  /**
   * The token claim that names a user (what the gateway passes on as `kubeflow-userid`, and what
   * tenants list as owners and members).
   * @default 'email'
   */
  readonly userClaim?: string;
  /** Where pods in the cluster fetch the signing keys, without leaving the cluster if possible. */
  readonly jwksUri: string;
  /** The provider's pods, for network allows; `undefined` for a provider outside the cluster. */
  readonly peer?: NetworkPeer;
  /**
   * The provider's endpoints when its discovery document is not reachable from the cluster (Dex:
   * the issuer is the public URL, the token and key endpoints are in-cluster).
   * @default - clients use OIDC discovery from the issuer URL
   */
  readonly endpoints?: OidcEndpoints;
  /** Registers a client and returns its credentials, readable in `request.namespace`. */
  registerClient(id: string, request: OidcClientRequest): OidcClient;
}

/**
 * Endpoints of a provider that clients cannot discover: the browser-facing authorization
 * endpoint and the in-cluster token and key endpoints.
 */
export interface OidcEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly jwks: string;
}

/**
 * A second issuer whose tokens the gateway accepts: the cluster's service account issuer, so that
 * machines (pipelines, notebooks, CI) call platform APIs with a token minted for `audience`.
 */
export interface IMachineTokenIssuer {
  /** `iss` of the tokens. @default - the usual in-cluster issuer, https://kubernetes.default.svc.cluster.local */
  readonly issuer?: string;
  /** Tokens must be minted for this audience. */
  readonly audience: string;
  /** Where istiod reads the issuer's signing keys, anonymously. */
  readonly jwksUri: string;
}
