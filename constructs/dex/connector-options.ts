/** Options of the Dex connectors, with the upstream config keys as names. */

/**
 * A key of a Secret in Dex's namespace. Connector credentials are only ever referenced: the
 * Secret is created by you (it is listed as an install prerequisite) and read by the Dex pod.
 */
export interface DexSecretRef {
  readonly name: string;
  readonly key: string;
}

/** What every connector has: how Dex and its login page name it. */
export interface DexConnectorBase {
  /** Connector ID (`connectors[].id`): part of the callback state, keep it stable. */
  readonly id: string;
  /** Name on the login page (`connectors[].name`). */
  readonly name: string;
}

/**
 * Generic OpenID Connect upstream, e.g. a corporate SSO or Keycloak.
 * @see https://dexidp.io/docs/connectors/oidc/
 */
export interface OidcConnectorOptions extends DexConnectorBase {
  readonly issuer: string;
  readonly clientID: string;
  readonly clientSecret: DexSecretRef;
  /** @default - Dex's default (`profile`, `email`) */
  readonly scopes?: readonly string[];
  /** Fetch claims from the userinfo endpoint. @default false */
  readonly getUserInfo?: boolean;
  /** Pass the upstream `groups` claim on. @default false */
  readonly insecureEnableGroups?: boolean;
  /** Only members of these groups may log in. @default - everyone the upstream admits */
  readonly allowedGroups?: readonly string[];
  /** Treat every email as verified; only for an upstream that never sets `email_verified`. @default false */
  readonly insecureSkipEmailVerified?: boolean;
  /** Claim used as the user ID. @default - `sub` */
  readonly userIDKey?: string;
  /** Claim used as the user name. @default - `name` */
  readonly userNameKey?: string;
}

/** A GitHub organization, optionally narrowed to teams. */
export interface GitHubOrg {
  readonly name: string;
  /** @default - every member of the organization */
  readonly teams?: readonly string[];
}

/** @see https://dexidp.io/docs/connectors/github/ */
export interface GitHubConnectorOptions extends DexConnectorBase {
  readonly clientID: string;
  readonly clientSecret: DexSecretRef;
  /** Only members of these organizations (and teams) may log in. @default - any GitHub user */
  readonly orgs?: readonly GitHubOrg[];
  /** GitHub Enterprise host. @default - github.com */
  readonly hostName?: string;
  /** @default - Dex's default (`name`) */
  readonly teamNameField?: 'name' | 'slug' | 'both';
  /** @default false */
  readonly loadAllGroups?: boolean;
  /** @default false */
  readonly useLoginAsID?: boolean;
}

/** @see https://dexidp.io/docs/connectors/google/ */
export interface GoogleConnectorOptions extends DexConnectorBase {
  readonly clientID: string;
  readonly clientSecret: DexSecretRef;
  /** Only users of these Workspace domains may log in. @default - any Google account */
  readonly hostedDomains?: readonly string[];
  /** Only members of these groups may log in (needs `serviceAccount`). @default - no group check */
  readonly groups?: readonly string[];
  /**
   * A service account key (JSON) that may read group membership; mounted as a file
   * (`serviceAccountFilePath`).
   * @default - no groups
   */
  readonly serviceAccount?: DexSecretRef;
  /** Workspace domain to the super user the service account impersonates. @default - none */
  readonly domainToAdminEmail?: Readonly<Record<string, string>>;
}

/** @see https://dexidp.io/docs/connectors/microsoft/ */
export interface MicrosoftConnectorOptions extends DexConnectorBase {
  readonly clientID: string;
  readonly clientSecret: DexSecretRef;
  /** Tenant ID or name, `common`, `consumers` or `organizations`. @default - Dex's default (`common`) */
  readonly tenant?: string;
  /** Groups to read (and, with `useGroupsAsWhitelist`, to admit). @default - all groups */
  readonly groups?: readonly string[];
  /** @default false */
  readonly onlySecurityGroups?: boolean;
  /** @default false */
  readonly useGroupsAsWhitelist?: boolean;
  /** @default false */
  readonly emailToLowercase?: boolean;
  /** @default - Dex's default (`name`) */
  readonly groupNameFormat?: 'name' | 'id';
}

/** Where LDAP users are found. */
export interface LdapUserSearch {
  readonly baseDN: string;
  /** @default - none */
  readonly filter?: string;
  /** Attribute matched against what the user types. @default 'uid' */
  readonly username?: string;
  /** @default - Dex's default (`uid`) */
  readonly idAttr?: string;
  /** @default - Dex's default (`mail`) */
  readonly emailAttr?: string;
  /** @default - none */
  readonly nameAttr?: string;
  /** @default - none */
  readonly preferredUsernameAttr?: string;
}

/** Where LDAP groups are found, and how a user is matched to them. */
export interface LdapGroupSearch {
  readonly baseDN: string;
  /** @default - none */
  readonly filter?: string;
  /** User attribute to group attribute, e.g. `{ userAttr: 'DN', groupAttr: 'member' }`. */
  readonly userMatchers: readonly { readonly userAttr: string; readonly groupAttr: string }[];
  readonly nameAttr: string;
}

/** @see https://dexidp.io/docs/connectors/ldap/ */
export interface LdapConnectorOptions extends DexConnectorBase {
  /** `host:port` of the directory. */
  readonly host: string;
  readonly bindDN: string;
  readonly bindPW: DexSecretRef;
  readonly userSearch: LdapUserSearch;
  /** @default - no groups */
  readonly groupSearch?: LdapGroupSearch;
  /** Upgrade a plain connection with StartTLS instead of connecting with TLS. @default false */
  readonly startTLS?: boolean;
  /** CA of the directory's certificate, mounted as a file (`rootCA`). @default - system roots */
  readonly rootCA?: DexSecretRef;
  /** @default - Dex's default (`Username`) */
  readonly usernamePrompt?: string;
}

/** @see https://dexidp.io/docs/connectors/saml/ */
export interface SamlConnectorOptions extends DexConnectorBase {
  readonly ssoURL: string;
  /** The IdP's signing CA (PEM), mounted as a file (`ca`). */
  readonly ca: DexSecretRef;
  readonly usernameAttr: string;
  readonly emailAttr: string;
  /** @default - no groups */
  readonly groupsAttr?: string;
  /** @default - none */
  readonly entityIssuer?: string;
  /** @default - none */
  readonly ssoIssuer?: string;
  /** @default - Dex's default (persistent) */
  readonly nameIDPolicyFormat?: string;
  /** Only members of these groups may log in. @default - everyone */
  readonly allowedGroups?: readonly string[];
}
