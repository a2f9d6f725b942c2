import { Construct } from 'constructs';
import { IOidcProvider } from '../../constructs/core/identity';
import { IGateway, IMesh } from '../../constructs/core/mesh';
import { INamespace } from '../../constructs/core/network';
import { DexConnector } from '../../constructs/dex/connectors';
import { Dex } from '../../constructs/dex/dex';
import { ExternalOidcProvider } from '../../constructs/dex/external';
import { StaticUser } from '../../constructs/dex/static-users';
import { MachineToMachine } from '../../constructs/oauth2-proxy/machine-to-machine';
import { OAuth2Proxy } from '../../constructs/oauth2-proxy/oauth2-proxy';
import { ResolvedEnvironment } from '../config/presets';

type DexConfig = NonNullable<ResolvedEnvironment['identity']['dex']>;
type ConnectorConfig = NonNullable<DexConfig['connectors']>[number];
type StaticUserConfig = NonNullable<DexConfig['staticUsers']>[number];

/** A configured connector as Dex renders it (field names follow Dex's config). */
export function connectorFrom(c: ConnectorConfig): DexConnector {
  const base = { id: c.id, name: c.name };
  switch (c.type) {
    case 'oidc':
      return DexConnector.oidc({
        ...base,
        issuer: c.issuer,
        clientID: c.clientId,
        clientSecret: c.clientSecret,
      });
    case 'github':
      return DexConnector.github({
        ...base,
        clientID: c.clientId,
        clientSecret: c.clientSecret,
        ...(c.orgs ? { orgs: c.orgs.map((name) => ({ name })) } : {}),
      });
    case 'google':
      return DexConnector.google({
        ...base,
        clientID: c.clientId,
        clientSecret: c.clientSecret,
        ...(c.hostedDomains ? { hostedDomains: c.hostedDomains } : {}),
      });
    case 'microsoft':
      return DexConnector.microsoft({
        ...base,
        clientID: c.clientId,
        clientSecret: c.clientSecret,
        ...(c.tenant ? { tenant: c.tenant } : {}),
      });
    case 'ldap':
      return DexConnector.ldap({
        ...base,
        host: c.host,
        bindDN: c.bindDN,
        bindPW: c.bindPassword,
        userSearch: c.userSearch,
        ...(c.groupSearch ? { groupSearch: c.groupSearch } : {}),
        ...(c.startTLS !== undefined ? { startTLS: c.startTLS } : {}),
        ...(c.rootCA ? { rootCA: c.rootCA } : {}),
      });
    case 'saml':
      return DexConnector.saml({
        ...base,
        ssoURL: c.ssoURL,
        ca: c.caSecret,
        usernameAttr: c.usernameAttr,
        emailAttr: c.emailAttr,
        ...(c.groupsAttr ? { groupsAttr: c.groupsAttr } : {}),
      });
  }
}

function staticUserFrom(u: StaticUserConfig): StaticUser {
  if (u.passwordHash) return StaticUser.passwordHash(u.email, u.passwordHash);
  if (u.passwordSecret) return StaticUser.passwordSecret(u.email, u.passwordSecret);
  return StaticUser.generatedPassword(u.email);
}

export interface Identity {
  readonly provider: IOidcProvider;
  /** The installed Dex; `undefined` with an external identity provider. */
  readonly dex?: Dex;
  readonly proxy: OAuth2Proxy;
}

/**
 * The front door's identity: Dex (or the organisation's OIDC provider) and oauth2-proxy, wired
 * into the mesh as the gateway's ext-authz provider.
 */
export function buildIdentity(
  scope: Construct,
  env: ResolvedEnvironment,
  gateway: IGateway,
  mesh: IMesh,
  namespaces: { dex: () => INamespace; proxy: () => INamespace },
): Identity {
  const id = env.identity;
  let dex: Dex | undefined;
  let provider: IOidcProvider;
  if (id.provider === 'dex') {
    const cfg = id.dex ?? {};
    dex = new Dex(scope, 'Dex', {
      namespace: namespaces.dex(),
      gateway,
      mesh,
      host: env.domain,
      connectors: (cfg.connectors ?? []).map(connectorFrom),
      staticUsers: (cfg.staticUsers ?? []).map(staticUserFrom),
      production: env.preset === 'prod',
      ...(cfg.allowStaticUsers ? { allowStaticUsers: cfg.allowStaticUsers } : {}),
    });
    provider = dex;
  } else {
    // The rules require identity.external with the external provider.
    const ext = id.external;
    if (!ext) throw new Error('internal: identity.external should have been validated');
    provider = new ExternalOidcProvider(scope, 'Oidc', {
      issuerUrl: ext.issuerUrl,
      jwksUri: ext.jwksUri,
      clientId: ext.clientId,
      clientSecret: ext.clientSecret,
    });
  }
  const proxy = new OAuth2Proxy(scope, 'OAuth2Proxy', {
    namespace: namespaces.proxy(),
    provider,
    gateway,
    mesh,
    host: env.domain,
    ...(dex ? { endpoints: dex.endpoints } : {}),
    ...(id.machineToMachine
      ? {
          machineToMachine: MachineToMachine.kubernetesServiceAccounts({
            audience: id.machineToMachine.audience,
            jwksUri: id.machineToMachine.jwksUri,
            ...(id.machineToMachine.issuer ? { issuer: id.machineToMachine.issuer } : {}),
          }),
        }
      : {}),
  });
  return { provider, ...(dex ? { dex } : {}), proxy };
}
