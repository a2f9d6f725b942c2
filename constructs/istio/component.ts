import { Contracts, defineComponent } from '../core/component';
import { Layer } from '../core/layers';
import { Prerequisites } from '../core/prerequisites';
import { ISTIO_PARSE_RULES, istioShape } from './config';
import { ExternalGateway, ExternalMesh } from './external';
import { Istio } from './istio';
import { ISTIO_VERSION } from './versions';

/** The control plane's namespace, also the mesh root namespace. */
export const ISTIO_NAMESPACE = 'istio-system';
/** The CNI node agent's own, privileged namespace. */
export const ISTIO_CNI_NAMESPACE = 'istio-cni';

/** The Istio resources the platform creates, which an external Istio must already define. */
const ISTIO_CRDS: readonly [string, string, string][] = [
  ['networking.istio.io', 'virtualservices', 'VirtualService'],
  ['networking.istio.io', 'gateways', 'Gateway'],
  ['networking.istio.io', 'envoyfilters', 'EnvoyFilter'],
  ['security.istio.io', 'peerauthentications', 'PeerAuthentication'],
  ['security.istio.io', 'authorizationpolicies', 'AuthorizationPolicy'],
  ['security.istio.io', 'requestauthentications', 'RequestAuthentication'],
];

/**
 * Istio (control plane, CNI agent, ingress gateway, mesh policy) in the infrastructure layers, or
 * the cluster's own mesh and gateway with `mesh.istio.mode: external`. Offers `IMesh` and
 * `IGateway`.
 */
export const istioComponent = defineComponent({
  key: 'istio',
  description: 'the Istio service mesh and the HTTPS ingress gateway',
  config: { shape: istioShape, parseRules: ISTIO_PARSE_RULES },
  namespaces: [ISTIO_NAMESPACE, ISTIO_CNI_NAMESPACE],
  needs: (config) => (config.mesh.istio.mode === 'managed' ? [Contracts.certificateIssuer] : []),
  offers: [Contracts.mesh, Contracts.gateway],
  uses: [Contracts.monitoring],
  versions: (config) =>
    config.mesh.istio.mode === 'managed' ? [{ project: 'istio', version: ISTIO_VERSION }] : [],
  build(ctx) {
    const cfg = ctx.config.mesh.istio;
    const infrastructure = ctx.chart(Layer.INFRASTRUCTURE);
    const domain = ctx.environment.domain;
    if (cfg.mode === 'external') {
      for (const [group, plural, kind] of ISTIO_CRDS) {
        Prerequisites.of(infrastructure).requireCrd({
          name: `${plural}.${group}`,
          group,
          kind,
          purpose: 'routes and policy on the cluster mesh (mesh.istio.mode external)',
        });
      }
      const gw = cfg.gateway;
      ctx.offer(
        Contracts.mesh,
        new ExternalMesh(infrastructure, 'Mesh', cfg.revision ? { revision: cfg.revision } : {}),
      );
      ctx.offer(
        Contracts.gateway,
        new ExternalGateway(infrastructure, 'Gateway', {
          namespace: gw.namespace,
          selector: gw.selector,
          hosts: [domain],
          gatewayName: gw.name,
          ...(gw.serviceAccount ? { serviceAccount: gw.serviceAccount } : {}),
          ...(gw.plainHttp ? { plainHttp: gw.plainHttp } : {}),
        }),
      );
      return;
    }
    const issuer = ctx.get(Contracts.certificateIssuer);
    // Only the Istio the platform installs is scraped; an external mesh is the cluster's.
    const monitoring = ctx.tryGet(Contracts.monitoring);
    const istio = new Istio(infrastructure, 'Istio', {
      ...(monitoring ? { monitoring } : {}),
      // The control plane is not meshed itself; it stays restricted.
      namespace: ctx.namespace(ISTIO_NAMESPACE, { owner: 'istio', mesh: false }),
      cniNamespace: ctx.namespace(ISTIO_CNI_NAMESPACE, {
        owner: 'istio',
        mesh: false,
        podSecurity: 'privileged',
        podSecurityReason:
          'The Istio CNI node agent installs the CNI plugin on each node (hostPath, NET_ADMIN), so that application pods need no privileged init container.',
      }),
      ...(cfg.revision ? { revision: cfg.revision } : {}),
      gateway: {
        hosts: [domain],
        issuer,
        ...(cfg.ingress?.serviceType ? { serviceType: cfg.ingress.serviceType } : {}),
        ...(cfg.ingress?.annotations ? { serviceAnnotations: cfg.ingress.annotations } : {}),
        // ACME HTTP-01 challenges arrive over plain HTTP; a blanket redirect would answer them
        // with a redirect instead of the token.
        httpsRedirect: !issuer.solvesHttp01,
      },
    });
    ctx.offer(Contracts.mesh, istio);
    ctx.offer(Contracts.gateway, istio.gateway);
  },
});
