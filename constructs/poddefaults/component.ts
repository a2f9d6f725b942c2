import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { podDefaultsShape } from './config';
import { PodDefaultsWebhook } from './webhook';
import { POD_DEFAULTS_VERSION } from './versions';

/** The namespace the webhook runs in (upstream's `kubeflow`). */
export const POD_DEFAULTS_NAMESPACE = 'kubeflow';

/**
 * The PodDefaults webhook on the platform: its CRD in the CRD layer, the webhook in the
 * platform-controllers layer, in the meshed `kubeflow` namespace (the webhook pod itself runs
 * without a sidecar), with its serving certificate from the platform's in-cluster CA.
 *
 * Not monitored: the webhook of v2.0.0 serves only `/apply-poddefault` (`main.go`, a plain
 * `net/http` TLS server); it exports no metrics, so there is nothing to scrape or alert on.
 */
export const podDefaultsComponent = defineComponent({
  key: 'poddefaults',
  description: 'the PodDefaults admission webhook of Kubeflow',
  toggle: 'kubeflow.podDefaults.enabled',
  config: { shape: podDefaultsShape },
  namespaces: [POD_DEFAULTS_NAMESPACE],
  // The webhook acts only in profile namespaces (labelled by the profile controller's config).
  needs: [Contracts.serviceIssuer, Contracts.mesh, Contracts.kubeflowProfiles],
  offers: [Contracts.podDefaults],
  versions: [{ project: 'dashboard', version: POD_DEFAULTS_VERSION }],
  enabled: (config) => config.kubeflow.podDefaults.enabled,
  build(ctx) {
    const webhook = new PodDefaultsWebhook(ctx.chart(Layer.PLATFORM_CONTROLLERS), 'PodDefaults', {
      namespace: ctx.namespace(POD_DEFAULTS_NAMESPACE, { owner: 'kubeflow', mesh: true }),
      issuer: ctx.get(Contracts.serviceIssuer),
    });
    ctx.offer(Contracts.podDefaults, {
      crdName: `poddefaults.kubeflow.org`,
      namespaceSelector: webhook.namespaceLabels,
    });
  },
});
