import { k8s } from 'cdk8s-plus-27';
import {
  DexConnectorBase,
  DexSecretRef,
  GitHubConnectorOptions,
  GoogleConnectorOptions,
  LdapConnectorOptions,
  MicrosoftConnectorOptions,
  OidcConnectorOptions,
  SamlConnectorOptions,
} from './connector-options';
import { MAX_LABEL_NAME, boundedName } from '../core/names';
import { DNS_LABEL, DNS_SUBDOMAIN, isHttpsUrl } from '../core/validation';
import { SECRET_KEY, envFragment } from './private/util';

/** What a connector needs from the Dex it is rendered into. @internal */
export interface ConnectorContext {
  /** `<issuer>/callback`: where the upstream sends users back. */
  readonly redirectURI: string;
}

/** A connector's share of the Dex config and pod. @internal */
export interface RenderedConnector {
  /** One entry of `connectors`. */
  readonly entry: Record<string, unknown>;
  readonly env: readonly k8s.EnvVar[];
  readonly volumes: readonly k8s.Volume[];
  readonly volumeMounts: readonly k8s.VolumeMount[];
  /** Secrets the Dex namespace must have. */
  readonly secrets: readonly DexSecretRef[];
}

export type DexConnectorType = 'oidc' | 'github' | 'google' | 'microsoft' | 'ldap' | 'saml';

/** Where connector files are mounted: `<dir>/<connector id>/<field>`. */
const CONNECTOR_FILES = '/etc/dex/connectors';

/** How one connector field is filled in: the value, an env reference or a mounted file. */
type Field =
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'env'; readonly ref: DexSecretRef }
  | { readonly kind: 'file'; readonly ref: DexSecretRef; readonly dir: string };

const env = (ref: DexSecretRef): Field => ({ kind: 'env', ref });
/** A Secret key mounted as a file under `<connector dir>/<dir>/`. */
const file = (ref: DexSecretRef, dir: string): Field => ({ kind: 'file', ref, dir });

/**
 * An upstream identity provider Dex logs users in with. Each factory renders the upstream config
 * keys of its type; credentials are references to Secrets in Dex's namespace, put into the
 * config as `$VAR` (Dex expands environment references in connector config) or mounted as files.
 * @see https://dexidp.io/docs/connectors/
 */
export abstract class DexConnector {
  public static oidc(opts: OidcConnectorOptions): DexConnector {
    return connector(
      'oidc',
      opts,
      {
        issuer: opts.issuer,
        clientID: opts.clientID,
        clientSecret: env(opts.clientSecret),
        scopes: opts.scopes,
        getUserInfo: opts.getUserInfo,
        insecureEnableGroups: opts.insecureEnableGroups,
        allowedGroups: opts.allowedGroups,
        insecureSkipEmailVerified: opts.insecureSkipEmailVerified,
        userIDKey: opts.userIDKey,
        userNameKey: opts.userNameKey,
      },
      isHttpsUrl(opts.issuer)
        ? []
        : [
            `\`issuer\` is not an https URL (got "${opts.issuer}"). Use the upstream's issuer exactly as in its tokens, such as https://login.example.com.`,
          ],
    );
  }

  public static github(opts: GitHubConnectorOptions): DexConnector {
    return connector('github', opts, {
      clientID: opts.clientID,
      clientSecret: env(opts.clientSecret),
      orgs: opts.orgs?.map((o) => ({ name: o.name, ...(o.teams ? { teams: [...o.teams] } : {}) })),
      hostName: opts.hostName,
      teamNameField: opts.teamNameField,
      loadAllGroups: opts.loadAllGroups,
      useLoginAsID: opts.useLoginAsID,
    });
  }

  public static google(opts: GoogleConnectorOptions): DexConnector {
    return connector(
      'google',
      opts,
      {
        clientID: opts.clientID,
        clientSecret: env(opts.clientSecret),
        hostedDomains: opts.hostedDomains,
        groups: opts.groups,
        serviceAccountFilePath: opts.serviceAccount
          ? file(opts.serviceAccount, 'service-account')
          : undefined,
        domainToAdminEmail: opts.domainToAdminEmail,
      },
      opts.groups?.length && !opts.serviceAccount
        ? [
            '`groups` needs a `serviceAccount` (got groups without one). Give a service account key that may read the Workspace directory, or drop groups.',
          ]
        : [],
    );
  }

  public static microsoft(opts: MicrosoftConnectorOptions): DexConnector {
    return connector('microsoft', opts, {
      clientID: opts.clientID,
      clientSecret: env(opts.clientSecret),
      tenant: opts.tenant,
      groups: opts.groups,
      onlySecurityGroups: opts.onlySecurityGroups,
      useGroupsAsWhitelist: opts.useGroupsAsWhitelist,
      emailToLowercase: opts.emailToLowercase,
      groupNameFormat: opts.groupNameFormat,
    });
  }

  public static ldap(opts: LdapConnectorOptions): DexConnector {
    const u = opts.userSearch;
    const g = opts.groupSearch;
    return connector(
      'ldap',
      opts,
      {
        host: opts.host,
        startTLS: opts.startTLS,
        rootCA: opts.rootCA ? file(opts.rootCA, 'root-ca') : undefined,
        bindDN: opts.bindDN,
        bindPW: env(opts.bindPW),
        usernamePrompt: opts.usernamePrompt,
        userSearch: {
          baseDN: u.baseDN,
          filter: u.filter,
          username: u.username ?? 'uid',
          idAttr: u.idAttr,
          emailAttr: u.emailAttr,
          nameAttr: u.nameAttr,
          preferredUsernameAttr: u.preferredUsernameAttr,
        },
        groupSearch: g
          ? {
              baseDN: g.baseDN,
              filter: g.filter,
              userMatchers: g.userMatchers.map((m) => ({
                userAttr: m.userAttr,
                groupAttr: m.groupAttr,
              })),
              nameAttr: g.nameAttr,
            }
          : undefined,
      },
      /^[^\s:/]+:[0-9]{1,5}$/.test(opts.host)
        ? []
        : [
            `\`host\` is not host:port (got "${opts.host}"). Give the directory with its port, such as ldap.example.com:636.`,
          ],
    );
  }

  public static saml(opts: SamlConnectorOptions): DexConnector {
    return connector(
      'saml',
      opts,
      {
        ssoURL: opts.ssoURL,
        ca: file(opts.ca, 'ca'),
        entityIssuer: opts.entityIssuer,
        ssoIssuer: opts.ssoIssuer,
        usernameAttr: opts.usernameAttr,
        emailAttr: opts.emailAttr,
        groupsAttr: opts.groupsAttr,
        allowedGroups: opts.allowedGroups,
        nameIDPolicyFormat: opts.nameIDPolicyFormat,
      },
      isHttpsUrl(opts.ssoURL)
        ? []
        : [
            `\`ssoURL\` is not an https URL (got "${opts.ssoURL}"). Use the IdP's single sign-on endpoint.`,
          ],
    );
  }

  public abstract readonly type: DexConnectorType;
  public abstract readonly id: string;
  public abstract readonly name: string;

  /** What is wrong with the options, each message starting with the field. @internal */
  public abstract problems(): string[];

  /** @internal */
  public abstract render(ctx: ConnectorContext): RenderedConnector;
}

function connector(
  type: DexConnectorType,
  base: DexConnectorBase,
  fields: Record<string, unknown>,
  typeProblems: string[] = [],
): DexConnector {
  const envPrefix = `DEX_CONNECTOR_${envFragment(base.id)}`;
  return new (class extends DexConnector {
    public readonly type = type;
    public readonly id = base.id;
    public readonly name = base.name;

    public problems(): string[] {
      const problems: string[] = [];
      if (!DNS_LABEL.test(base.id)) {
        problems.push(
          `\`id\` is not a DNS label of at most 63 characters (got "${base.id}"). Use lower-case letters, digits and '-', such as corporate-sso.`,
        );
      }
      if (!base.name.trim()) {
        problems.push('`name` is empty (got ""). Give the name the login page shows.');
      } else if (base.name.includes('{{') || base.name.includes('}}')) {
        problems.push(
          `\`name\` contains "{{" or "}}" (got "${base.name}"). The Dex config is rendered as a template at startup; remove the braces.`,
        );
      }
      problems.push(...typeProblems, ...literalProblems(fields, ''));
      return problems;
    }

    public render(ctx: ConnectorContext): RenderedConnector {
      const envVars: k8s.EnvVar[] = [];
      const volumes: k8s.Volume[] = [];
      const volumeMounts: k8s.VolumeMount[] = [];
      const secrets: DexSecretRef[] = [];
      const resolve = (key: string, value: unknown): unknown => {
        const f = value as Partial<Field> | undefined;
        if (f?.kind === 'env' && f.ref) {
          const name = `${envPrefix}_${envFragment(key.replace(/([a-z])([A-Z])/g, '$1_$2'))}`;
          envVars.push({ name, valueFrom: { secretKeyRef: { name: f.ref.name, key: f.ref.key } } });
          secrets.push(f.ref);
          return `$${name}`;
        }
        if (f?.kind === 'file' && f.ref && f.dir) {
          const volume = boundedName(['connector', base.id, f.dir], { max: MAX_LABEL_NAME });
          const dir = `${CONNECTOR_FILES}/${base.id}/${f.dir}`;
          volumes.push({
            name: volume,
            secret: { secretName: f.ref.name, items: [{ key: f.ref.key, path: f.ref.key }] },
          });
          volumeMounts.push({ name: volume, mountPath: dir, readOnly: true });
          secrets.push(f.ref);
          return `${dir}/${f.ref.key}`;
        }
        return value;
      };
      const config = Object.fromEntries(
        Object.entries(fields)
          .map(([k, v]) => [k, resolve(k, v)] as const)
          .filter(([, v]) => v !== undefined),
      );
      const withRedirect = type === 'ldap' ? config : { ...config, redirectURI: ctx.redirectURI };
      return {
        entry: { type, id: base.id, name: base.name, config: prune(withRedirect) },
        env: envVars,
        volumes,
        volumeMounts,
        secrets,
      };
    }
  })();
}

/** Drops undefined fields of nested objects and copies readonly arrays. */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, prune(v)]),
    );
  }
  return value;
}

/**
 * Problems with literal strings of a connector's config: Dex expands `$VAR` in connector config,
 * so a literal `$` would be replaced, and the Dex entrypoint renders the config with gomplate, so
 * `{{`/`}}` would be read as a template. Secret references are checked for a valid name and key.
 */
function literalProblems(value: unknown, path: string): string[] {
  const f = value as Partial<Field> | undefined;
  if (f && (f.kind === 'env' || f.kind === 'file') && f.ref) {
    const problems: string[] = [];
    if (!DNS_SUBDOMAIN.test(f.ref.name)) {
      problems.push(
        `\`${path}.name\` is not a Secret name (got "${f.ref.name}"). Use the name of a Secret in Dex's namespace.`,
      );
    }
    if (!SECRET_KEY.test(f.ref.key)) {
      problems.push(
        `\`${path}.key\` is not a Secret key (got "${f.ref.key}"). Use letters, digits, '-', '_' and '.'.`,
      );
    }
    return problems;
  }
  if (typeof value === 'string') {
    if (value.includes('$')) {
      return [
        `\`${path}\` contains "$" (got "${value}"). Dex expands $VAR in connector config; put a value with "$" into a Secret.`,
      ];
    }
    if (value.includes('{{') || value.includes('}}')) {
      return [
        `\`${path}\` contains "{{" or "}}" (got "${value}"). The Dex config is rendered as a template at startup; remove the braces.`,
      ];
    }
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => literalProblems(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => literalProblems(v, path ? `${path}.${k}` : k));
  }
  return [];
}
