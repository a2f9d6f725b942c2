import { Construct } from 'constructs';
import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { IMesh } from '../core/mesh';
import { NetworkPeer } from '../core/network';
import { TENANT_RULES, tenantsShape } from './config';
import { TENANT_LABEL, Tenant, TenantProps } from './tenant';

/**
 * A tenant as the platform makes it, from the environment file or from code: in the mesh, and
 * labelled so that platform services admit it.
 */
export function platformTenant(
  tenantsLayer: Construct,
  mesh: IMesh,
  props: Omit<TenantProps, 'meshLabels' | 'tenantLabel'>,
): Tenant {
  return new Tenant(tenantsLayer, `Tenant-${props.name}`, {
    ...props,
    meshLabels: mesh.injectionLabels,
    tenantLabel: TENANT_LABEL,
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
  config: { shape: tenantsShape, rules: TENANT_RULES },
  needs: [Contracts.mesh],
  uses: [Contracts.objectStore],
  build(ctx) {
    // Teams read and write datasets and artifacts in the object store.
    ctx
      .tryGet(Contracts.objectStore)
      ?.grantAccess('object-store-from-tenants', NetworkPeer.namespacesWithLabel(TENANT_LABEL));
    const mesh = ctx.get(Contracts.mesh);
    for (const t of ctx.config.tenants) {
      platformTenant(ctx.chart(Layer.TENANTS), mesh, {
        name: t.name,
        owner: t.owner,
        members: t.members,
        groups: t.groups,
        ...(t.quota ? { quota: t.quota } : {}),
      });
    }
  },
});
