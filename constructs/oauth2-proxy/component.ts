import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { MachineToMachine } from './machine-to-machine';
import { OAUTH2_PROXY_NAMES } from './names';
import { OAuth2Proxy } from './oauth2-proxy';
import { OAUTH2_PROXY_VERSION } from './versions';

/** The namespace the proxy runs in. */
export const OAUTH2_PROXY_NAMESPACE = 'oauth2-proxy';

/**
 * oauth2-proxy as the gateway's ext-authz provider in the identity layer: it logs users in with
 * the `IOidcProvider`, and the gateway verifies their tokens (and, when offered, machine tokens)
 * and passes the user on as `kubeflow-userid`.
 */
export const oauth2ProxyComponent = defineComponent({
  key: 'oauth2-proxy',
  description: 'the OIDC auth proxy behind the gateway',
  namespaces: [OAUTH2_PROXY_NAMESPACE],
  needs: [Contracts.oidcProvider, Contracts.gateway, Contracts.mesh],
  uses: [Contracts.machineTokens, Contracts.monitoring],
  versions: [{ project: 'oauth2-proxy', version: OAUTH2_PROXY_VERSION }],
  upgrades: [
    {
      version: 'v7.15.2',
      description:
        'the generated cookie secret becomes a 32-byte key (AES-256; 43 characters, was 32: ' +
        'AES-192). The generator never overwrites a Secret and its Job cannot be changed in ' +
        'place (a Job template is immutable), so both are deleted and generated again; users ' +
        'sign in again.',
      deleteBeforeApply: [
        {
          resource: 'job.batch',
          namespace: OAUTH2_PROXY_NAMESPACE,
          name: `${OAUTH2_PROXY_NAMES.cookieSecret}-generator`,
        },
        {
          resource: 'secret',
          namespace: OAUTH2_PROXY_NAMESPACE,
          name: OAUTH2_PROXY_NAMES.cookieSecret,
        },
      ],
    },
  ],
  build(ctx) {
    const provider = ctx.get(Contracts.oidcProvider);
    const machines = ctx.tryGet(Contracts.machineTokens);
    const monitoring = ctx.tryGet(Contracts.monitoring);
    new OAuth2Proxy(ctx.chart(Layer.IDENTITY), 'OAuth2Proxy', {
      namespace: ctx.namespace(OAUTH2_PROXY_NAMESPACE, { owner: 'oauth2-proxy', mesh: true }),
      provider,
      gateway: ctx.get(Contracts.gateway),
      mesh: ctx.get(Contracts.mesh),
      host: ctx.environment.domain,
      ...(monitoring ? { monitoring } : {}),
      ...(provider.endpoints ? { endpoints: provider.endpoints } : {}),
      ...(machines
        ? {
            machineToMachine: MachineToMachine.kubernetesServiceAccounts({
              audience: machines.audience,
              jwksUri: machines.jwksUri,
              ...(machines.issuer ? { issuer: machines.issuer } : {}),
            }),
          }
        : {}),
    });
  },
});
