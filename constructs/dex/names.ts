import { MAX_SUBDOMAIN_NAME, boundedName } from '../core/names';

/**
 * Names of Dex objects that other components, users and Dex itself look up. The workload names are
 * upstream's (Kubeflow's `common/dex`), so upstream docs and runbooks work unchanged.
 */
export const DEX_NAMES = {
  /** Deployment, ServiceAccount, Service, ConfigMap, Role and RoleBinding. */
  dex: 'dex',
  container: 'dex',
  /** The VirtualService that routes `/dex/` from the gateway. */
  route: 'dex',
  /** The Istio AuthorizationPolicy in Dex's namespace. */
  authorizationPolicy: 'dex',
  /** The PeerAuthentication that lets istiod fetch the signing keys without mutual TLS. */
  peerAuthentication: 'dex-signing-keys',
  /** `dex-client-<client id>`: the Secret with an OIDC client's secret (key `clientSecret`). */
  clientSecretPrefix: 'dex-client-',
  /**
   * `dex-password-<user>`: a static user's Secret, with a generated password (key `password`) or
   * the bcrypt hash given as `passwordHash` (key `hash`). See `dexPasswordSecretName`.
   */
  passwordSecretPrefix: 'dex-password-',
} as const;

/** Ports, by the names the container gives them. */
export const DEX_PORTS = {
  /** Web: the issuer, login pages, token and keys endpoints (`http`). */
  http: 5556,
  /** Telemetry: `/healthz/live`, `/healthz/ready` and `/metrics` (`telemetry`). */
  telemetry: 5558,
} as const;

/** The path Dex serves under on the gateway host: the issuer is `https://<host>/dex`. */
export const DEX_PATH = '/dex';

/** API group and version of Dex's storage resources. */
export const DEX_API = {
  group: 'dex.coreos.com',
  version: 'v1',
  apiVersion: 'dex.coreos.com/v1',
} as const;

/** Where the Dex container reads its configuration. */
export const DEX_CONFIG_FILE = '/etc/dex/cfg/config.yaml';

/** Key of a generated static password in its Secret. */
export const DEX_PASSWORD_KEY = 'password';

/** Key of a static user's bcrypt hash in the Secret made from `passwordHash`. */
export const DEX_PASSWORD_HASH_KEY = 'hash';

/**
 * The Secret of the static user `email` (generated password or given hash): `dex-password-` and
 * the email in lower case with `-` for anything but letters and digits
 * (`admin@example.com`: `dex-password-admin-example-com`), shortened with a hash past 253
 * characters.
 */
export function dexPasswordSecretName(email: string): string {
  return boundedName([DEX_NAMES.passwordSecretPrefix, email], { max: MAX_SUBDOMAIN_NAME });
}

/** The Secret of client `id`'s secret: `dex-client-<id>`, shortened with a hash where needed. */
export function dexClientSecretName(id: string): string {
  return boundedName([DEX_NAMES.clientSecretPrefix, id], { max: MAX_SUBDOMAIN_NAME });
}

/** Key of an OIDC client secret (the key `OidcClient.secret` promises). */
export const DEX_CLIENT_SECRET_KEY = 'clientSecret';
