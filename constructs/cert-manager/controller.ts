import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { resolveImage } from '../core/images';
import { CERT_MANAGER_NAMES, CERT_MANAGER_PORTS } from './names';
import { partLabels, partSelector } from './private/labels';
import { ComponentOptions } from './private/options';
import { certManagerWorkload, httpProbe, servicePort, tcpPort } from './private/workload';
import { controllerRbac } from './rbac';
import { CERT_MANAGER_IMAGES } from './versions';

/** @internal */
export interface ControllerOptions extends ComponentOptions {
  readonly maxConcurrentChallenges: number;
  readonly enableCertificateOwnerRef: boolean;
  readonly dns01RecursiveNameservers: readonly string[];
  readonly dns01RecursiveNameserversOnly: boolean;
}

/**
 * The cert-manager controller: issues and renews certificates, runs ACME orders and challenges,
 * approves CertificateRequests for cert-manager issuers. Flags, ports and probes as upstream.
 * @internal
 */
export class CertManagerController extends Construct {
  public readonly deployment: k8s.KubeDeployment;

  public constructor(scope: Construct, id: string, opts: ControllerOptions) {
    super(scope, id);
    const name = CERT_MANAGER_NAMES.controller;
    const solverImage = resolveImage(this, CERT_MANAGER_IMAGES.acmesolver);
    const nameservers = opts.dns01RecursiveNameservers;
    const args = [
      `--v=${opts.logLevel}`,
      // ClusterIssuer Secrets (CA key pairs, ACME account keys, DNS credentials) live here.
      '--cluster-resource-namespace=$(POD_NAMESPACE)',
      `--leader-election-namespace=${opts.leaderElectionNamespace}`,
      `--acme-http01-solver-image=${solverImage}`,
      `--max-concurrent-challenges=${opts.maxConcurrentChallenges}`,
      ...(opts.enableCertificateOwnerRef ? ['--enable-certificate-owner-ref=true'] : []),
      ...(opts.dns01RecursiveNameserversOnly ? ['--dns01-recursive-nameservers-only=true'] : []),
      ...(nameservers.length > 0 ? [`--dns01-recursive-nameservers=${nameservers.join(',')}`] : []),
    ];

    this.deployment = certManagerWorkload(this, {
      part: 'controller',
      name,
      namespace: opts.namespace,
      replicas: opts.replicas,
      resources: opts.resources,
      scrapeMetrics: opts.scrapeMetrics,
      container: {
        name: CERT_MANAGER_NAMES.controllerContainer,
        image: resolveImage(this, CERT_MANAGER_IMAGES.controller),
        args,
        ports: [
          tcpPort('http-metrics', CERT_MANAGER_PORTS.metrics),
          tcpPort('http-healthz', CERT_MANAGER_PORTS.controllerHealthz),
        ],
        livenessProbe: httpProbe('/livez', 'http-healthz', {
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 15,
          failureThreshold: 8,
        }),
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace: opts.namespace, labels: partLabels('controller') },
      spec: {
        type: 'ClusterIP',
        selector: partSelector('controller'),
        ports: [
          servicePort('tcp-prometheus-servicemonitor', CERT_MANAGER_PORTS.metrics, 'http-metrics'),
        ],
      },
    });

    controllerRbac(this, opts);
  }
}
