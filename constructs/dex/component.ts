import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import {
  ConnectorConfig,
  IDENTITY_PARSE_RULES,
  IDENTITY_RULES,
  StaticUserConfig,
  identityShape,
} from './config';
import { DexConnector } from './connectors';
import { Dex } from './dex';
import { ExternalOidcProvider } from './external';
import { StaticUser } from './static-users';
import { DEX_VERSION } from './versions';

/** The namespace Dex runs in. */
export const DEX_NAMESPACE = 'auth';

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
  switch (u.password.type) {
    case 'hash':
      return StaticUser.passwordHash(u.email, u.password.hash);
    case 'secret':
      return StaticUser.passwordSecret(u.email, u.password.secret);
    case 'generated':
      return StaticUser.generatedPassword(u.email);
  }
}

/**
 * Who users are: Dex in the identity layer, or the organisation's OIDC provider, offered as
 * `IOidcProvider`; with `identity.machineToMachine`, also the cluster's service account issuer
 * as `IMachineTokenIssuer`.
 */
export const identityComponent = defineComponent({
  key: 'dex',
  description: 'the identity provider: Dex or an external OIDC provider',
  config: { shape: identityShape, rules: IDENTITY_RULES, parseRules: IDENTITY_PARSE_RULES },
  namespaces: [DEX_NAMESPACE],
  needs: (config) =>
    config.identity.provider === 'dex' ? [Contracts.gateway, Contracts.mesh] : [],
  offers: [Contracts.oidcProvider, Contracts.machineTokens],
  uses: [Contracts.monitoring],
  versions: (config) =>
    config.identity.provider === 'dex' ? [{ project: 'dex', version: DEX_VERSION }] : [],
  build(ctx) {
    const id = ctx.config.identity;
    const scope = ctx.chart(Layer.IDENTITY);
    if (id.provider === 'dex') {
      const monitoring = ctx.tryGet(Contracts.monitoring);
      ctx.offer(
        Contracts.oidcProvider,
        new Dex(scope, 'Dex', {
          namespace: ctx.namespace(DEX_NAMESPACE, { owner: 'dex', mesh: true }),
          gateway: ctx.get(Contracts.gateway),
          mesh: ctx.get(Contracts.mesh),
          host: ctx.environment.domain,
          connectors: id.dex.connectors.map(connectorFrom),
          staticUsers: id.dex.staticUsers.map(staticUserFrom),
          production: ctx.environment.production,
          ...(id.dex.allowStaticUsers ? { allowStaticUsers: id.dex.allowStaticUsers } : {}),
          ...(monitoring ? { monitoring } : {}),
        }),
      );
    } else {
      ctx.offer(
        Contracts.oidcProvider,
        new ExternalOidcProvider(scope, 'Oidc', {
          issuerUrl: id.external.issuerUrl,
          jwksUri: id.external.jwksUri,
          clientId: id.external.clientId,
          clientSecret: id.external.clientSecret,
          userClaim: id.external.userClaim,
        }),
      );
    }
    if (id.machineToMachine) ctx.offer(Contracts.machineTokens, id.machineToMachine);
  },
});
