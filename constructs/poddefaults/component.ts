import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { PodDefaultsWebhook } from './webhook';
import { POD_DEFAULTS_VERSION } from './versions';

/** The namespace the webhook runs in (upstream's `kubeflow`). */
export const POD_DEFAULTS_NAMESPACE = 'kubeflow';

/**
 * The PodDefaults webhook on the platform: its CRD in the CRD layer, the webhook with its
 * certificate from the platform issuer in the platform-controllers layer, in the meshed
 * `kubeflow` namespace (the webhook pod itself runs without a sidecar). It has no settings of its
 * own: the platform decides whether to register it.
 */
export const podDefaultsComponent = defineComponent({
  key: 'poddefaults',
  description: 'the PodDefaults admission webhook of Kubeflow',
  namespaces: [POD_DEFAULTS_NAMESPACE],
  needs: [Contracts.certificateIssuer, Contracts.mesh],
  versions: [{ project: 'dashboard', version: POD_DEFAULTS_VERSION }],
  build(ctx) {
    new PodDefaultsWebhook(ctx.chart(Layer.PLATFORM_CONTROLLERS), 'PodDefaults', {
      namespace: ctx.namespace(POD_DEFAULTS_NAMESPACE, { owner: 'kubeflow', mesh: true }),
      issuer: ctx.get(Contracts.certificateIssuer),
    });
  },
});
