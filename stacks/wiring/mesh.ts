import { Construct } from 'constructs';
import { ICertificateIssuer } from '../../constructs/core/certificates';
import { IGateway, IMesh } from '../../constructs/core/mesh';
import { INamespace } from '../../constructs/core/network';
import { Prerequisites } from '../../constructs/core/prerequisites';
import { ExternalGateway, ExternalMesh } from '../../constructs/istio/external';
import { Istio } from '../../constructs/istio/istio';
import { ResolvedEnvironment } from '../config/presets';

export interface Mesh {
  readonly mesh: IMesh;
  readonly gateway: IGateway;
  /** The installed Istio; `undefined` when the cluster brings its own. */
  readonly istio?: Istio;
}

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
 * the cluster's own mesh and gateway when `mesh.istio.mode` is external.
 */
export function buildMesh(
  infrastructure: Construct,
  env: ResolvedEnvironment,
  issuer: ICertificateIssuer,
  namespaces: { controlPlane: () => INamespace; cni: () => INamespace },
): Mesh {
  const cfg = env.istio;
  if (cfg.mode === 'external') {
    const gw = cfg.gateway;
    // The rules require a gateway for an external Istio.
    if (!gw) throw new Error('internal: mesh.istio.gateway should have been validated');
    for (const [group, plural, kind] of ISTIO_CRDS) {
      Prerequisites.of(infrastructure).requireCrd({
        name: `${plural}.${group}`,
        group,
        kind,
        purpose: 'routes and policy on the cluster mesh (mesh.istio.mode external)',
      });
    }
    return {
      mesh: new ExternalMesh(
        infrastructure,
        'Mesh',
        cfg.revision ? { revision: cfg.revision } : {},
      ),
      gateway: new ExternalGateway(infrastructure, 'Gateway', {
        namespace: gw.namespace,
        selector: gw.selector,
        hosts: [env.domain],
        gatewayName: gw.name,
        ...(gw.serviceAccount ? { serviceAccount: gw.serviceAccount } : {}),
      }),
    };
  }
  const http01 = env.tls.issuer.type === 'acme' && env.tls.issuer.solver.type === 'http01';
  const istio = new Istio(infrastructure, 'Istio', {
    namespace: namespaces.controlPlane(),
    cniNamespace: namespaces.cni(),
    ...(cfg.revision ? { revision: cfg.revision } : {}),
    gateway: {
      hosts: [env.domain],
      issuer,
      ...(cfg.ingress?.serviceType ? { serviceType: cfg.ingress.serviceType } : {}),
      ...(cfg.ingress?.annotations ? { serviceAnnotations: cfg.ingress.annotations } : {}),
      // ACME HTTP-01 challenges arrive over plain HTTP; a blanket redirect would answer them
      // with a redirect instead of the token.
      httpsRedirect: !http01,
    },
  });
  return { mesh: istio, gateway: istio.gateway, istio };
}
