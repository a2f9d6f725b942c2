import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { IMachineTokenIssuer, IOidcProvider } from '../core/identity';
import { IKubeflowProfiles } from '../core/kubeflow';
import { IGateway, IMesh } from '../core/mesh';
import { NetworkPeer } from '../core/network';
import { TENANT_PARSE_RULES, TENANT_RULES, tenantsShape } from './config';
import { TENANT_LABEL, Tenant, TenantProps } from './tenant';

/** The contracts a tenant is wired with. */
export interface TenantWiring {
  readonly mesh: IMesh;
  /** With Kubeflow's core on, every tenant is a profile. */
  readonly profiles?: IKubeflowProfiles;
  readonly gateway?: IGateway;
  readonly oidcProvider?: IOidcProvider;
  readonly machineTokens?: IMachineTokenIssuer;
}

/**
 * A tenant as the platform makes it, from the environment file or from code: in the mesh,
 * labelled so that platform services admit it, and a Kubeflow profile when Kubeflow's core is on.
 */
export function platformTenant(
  tenantsLayer: Construct,
  wiring: TenantWiring,
  props: Omit<TenantProps, 'meshLabels' | 'tenantLabel' | 'profile'>,
): Tenant {
  const { profiles, gateway, oidcProvider, machineTokens } = wiring;
  const issuers = [
    ...(oidcProvider ? [{ issuer: oidcProvider.issuerUrl, jwksUri: oidcProvider.jwksUri }] : []),
    ...(machineTokens
      ? [
          {
            issuer: machineTokens.issuer ?? 'https://kubernetes.default.svc.cluster.local',
            jwksUri: machineTokens.jwksUri,
          },
        ]
      : []),
  ];
  return new Tenant(tenantsLayer, `Tenant-${props.name}`, {
    ...props,
    meshLabels: wiring.mesh.injectionLabels,
    tenantLabel: TENANT_LABEL,
    ...(profiles
      ? {
          profile: {
            namespaceLabels: profiles.namespaceLabels,
            userIdHeader: profiles.userIdHeader,
            userIdPrefix: profiles.userIdPrefix,
            contributorPrincipals: profiles.contributorPrincipals,
            ingress: profiles.profileIngress,
            contributions: profiles.profileContributions,
            ...(gateway?.principal && issuers.length > 0
              ? { tokens: { issuers, gatewayPrincipal: gateway.principal } }
              : {}),
          },
        }
      : {}),
  });
}

/**
 * The teams of the environment file in the tenants layer (see `MlopsPlatform.addTenant`, which
 * these go through as well): each a namespace in the mesh with its quota and role bindings. Every
 * tenant namespace, also one added in code, may reach the object store.
 */
export const tenantsComponent = defineComponent({
  key: 'tenants',
  description: 'the teams on the platform',
  config: { shape: tenantsShape, rules: TENANT_RULES, parseRules: TENANT_PARSE_RULES },
  needs: [Contracts.mesh],
  // Built after Kubeflow's web apps, so that every allow they add reaches the profiles.
  uses: [
    Contracts.objectStore,
    Contracts.kubeflowProfiles,
    Contracts.podDefaults,
    Contracts.gateway,
    Contracts.oidcProvider,
    Contracts.machineTokens,
  ],
  build(ctx) {
    // Teams read and write datasets and artifacts in the object store.
    ctx
      .tryGet(Contracts.objectStore)
      ?.grantAccess('object-store-from-tenants', NetworkPeer.namespacesWithLabel(TENANT_LABEL));
    const profiles = ctx.tryGet(Contracts.kubeflowProfiles);
    const gateway = ctx.tryGet(Contracts.gateway);
    const oidcProvider = ctx.tryGet(Contracts.oidcProvider);
    const machineTokens = ctx.tryGet(Contracts.machineTokens);
    const wiring: TenantWiring = {
      mesh: ctx.get(Contracts.mesh),
      ...(profiles ? { profiles } : {}),
      ...(gateway ? { gateway } : {}),
      ...(oidcProvider ? { oidcProvider } : {}),
      ...(machineTokens ? { machineTokens } : {}),
    };
    for (const t of ctx.config.tenants) {
      platformTenant(ctx.chart(Layer.TENANTS), wiring, {
        name: t.name,
        owner: t.owner,
        members: t.members,
        groups: t.groups,
        ...(t.quota ? { quota: t.quota } : {}),
      });
    }
  },
});
