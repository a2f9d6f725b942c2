import { Construct } from 'constructs';
import { IOidcProvider, OidcClient, OidcClientRequest } from '../core/identity';
import { SecretSource } from '../core/secrets';
import { DexSecretRef } from './connector-options';
import { DEX_CLIENT_SECRET_KEY } from './names';
import { DNS_SUBDOMAIN, isHttpsUrl, throwIfProblems } from '../core/validation';
import { SECRET_KEY } from './private/util';

export interface ExternalOidcProviderProps {
  /** The issuer exactly as in the `iss` claim of its tokens, e.g. `https://login.example.com/realms/kubeflow`. */
  readonly issuerUrl: string;
  /**
   * Where the provider publishes its signing keys (`jwks_uri` of its discovery document); the
   * gateway verifies tokens with them.
   */
  readonly jwksUri: string;
  /** The client ID registered at the provider for the auth proxy. */
  readonly clientId: string;
  /**
   * The client secret: a Secret you create in the auth proxy's namespace (it is listed as an
   * install prerequisite), referenced, never copied.
   */
  readonly clientSecret: DexSecretRef;
  /** The claim that names a user. @default 'email' */
  readonly userClaim?: string;
}

/** A client request the external provider has answered: what to register at the provider. */
export interface ExternalClientRegistration {
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly namespace: string;
}

/**
 * The organisation's own OpenID Connect provider (`identity.provider: external`) in place of Dex.
 * It creates nothing: registering a client returns the configured client ID and Secret and
 * records the redirect URIs that must be registered at the provider.
 */
export class ExternalOidcProvider extends Construct implements IOidcProvider {
  public readonly issuerUrl: string;
  public readonly jwksUri: string;
  /** Outside the cluster: nothing to allow. */
  public readonly peer = undefined;
  public readonly clientId: string;
  public readonly userClaim: string;
  private readonly clientSecret: DexSecretRef;
  private readonly registrations: ExternalClientRegistration[] = [];

  public constructor(scope: Construct, id: string, props: ExternalOidcProviderProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!isHttpsUrl(props.issuerUrl)) {
      problems.push(
        `\`issuerUrl\` is not an https URL (got "${props.issuerUrl}"). Use the issuer exactly as in the provider's tokens.`,
      );
    }
    if (!isHttpsUrl(props.jwksUri)) {
      problems.push(
        `\`jwksUri\` is not an https URL (got "${props.jwksUri}"). Use the jwks_uri of the provider's discovery document.`,
      );
    }
    if (!props.clientId.trim()) {
      problems.push('`clientId` is empty (got ""). Give the client ID registered at the provider.');
    }
    if (!DNS_SUBDOMAIN.test(props.clientSecret.name)) {
      problems.push(
        `\`clientSecret.name\` is not a Secret name (got "${props.clientSecret.name}"). Use the name of the Secret you create in the auth proxy's namespace.`,
      );
    }
    if (!SECRET_KEY.test(props.clientSecret.key)) {
      problems.push(
        `\`clientSecret.key\` is not a Secret key (got "${props.clientSecret.key}"). Use letters, digits, '-', '_' and '.'.`,
      );
    }
    throwIfProblems('ExternalOidcProvider', problems);
    this.issuerUrl = props.issuerUrl.replace(/\/+$/, '');
    this.userClaim = props.userClaim ?? 'email';
    this.jwksUri = props.jwksUri;
    this.clientId = props.clientId;
    this.clientSecret = { ...props.clientSecret };
  }

  /** What must be registered at the provider, one entry per client. */
  public get registeredClients(): readonly ExternalClientRegistration[] {
    return [...this.registrations];
  }

  /**
   * Returns the configured client: the ID given at construction (the request's own is only a
   * wish) and the user's Secret, bound in `request.namespace` (recorded as a prerequisite there).
   */
  public registerClient(id: string, request: OidcClientRequest): OidcClient {
    const secret = SecretSource.existing(this.clientSecret.name, {
      [DEX_CLIENT_SECRET_KEY]: this.clientSecret.key,
    }).bind(this, `Client-${id}`, {
      namespace: request.namespace,
      secretName: this.clientSecret.name,
      keys: [DEX_CLIENT_SECRET_KEY],
      labels: { name: 'oidc-provider', component: 'client', instance: id },
    });
    this.registrations.push({
      clientId: this.clientId,
      redirectUris: [...request.redirectUris],
      namespace: request.namespace,
    });
    return { clientId: this.clientId, secret };
  }
}
