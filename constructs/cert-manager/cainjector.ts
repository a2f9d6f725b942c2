import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { resolveImage } from '../core/images';
import { CERT_MANAGER_NAMES, CERT_MANAGER_PORTS } from './names';
import { partLabels, partSelector } from './private/labels';
import { ComponentOptions } from './private/options';
import { certManagerWorkload, servicePort, tcpPort } from './private/workload';
import { cainjectorRbac } from './rbac';
import { CERT_MANAGER_IMAGES } from './versions';

/**
 * cainjector: copies CA certificates into the caBundle of webhook configurations, API services
 * and CRDs that ask for it by annotation (here: the webhook's own configurations). Upstream gives
 * it no probes; neither do we.
 * @internal
 */
export class CertManagerCainjector extends Construct {
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, opts: ComponentOptions) {
    super(scope, id);
    const name = CERT_MANAGER_NAMES.cainjector;
    this.deployment = certManagerWorkload(this, {
      part: 'cainjector',
      name,
      namespace: opts.namespace,
      replicas: opts.replicas,
      resources: opts.resources,
      scrapeMetrics: opts.scrapeMetrics,
      container: {
        name: CERT_MANAGER_NAMES.cainjectorContainer,
        image: resolveImage(this, CERT_MANAGER_IMAGES.cainjector),
        args: [
          `--v=${opts.logLevel}`,
          `--leader-election-namespace=${opts.leaderElectionNamespace}`,
        ],
        ports: [tcpPort('http-metrics', CERT_MANAGER_PORTS.metrics)],
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: opts.namespace, labels: partLabels('cainjector') },
      spec: {
        type: 'ClusterIP',
        selector: partSelector('cainjector'),
        ports: [servicePort('http-metrics', CERT_MANAGER_PORTS.metrics, 'http-metrics')],
      },
    });

    cainjectorRbac(this, opts);
  }
}
