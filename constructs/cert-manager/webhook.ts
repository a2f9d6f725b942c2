import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { resolveImage } from '../core/images';
import { INamespace, NetworkPeer } from '../core/network';
import {
  CERT_MANAGER_API,
  CERT_MANAGER_NAMES,
  CERT_MANAGER_PORTS,
  DISABLE_VALIDATION_LABEL,
  INJECT_CA_FROM_SECRET_ANNOTATION,
} from './names';
import { partLabels, partSelector } from './private/labels';
import { ComponentOptions } from './private/options';
import { certManagerWorkload, httpProbe, servicePort, tcpPort } from './private/workload';
import { webhookRbac } from './rbac';
import { CERT_MANAGER_IMAGES } from './versions';

/** @internal */
export interface WebhookOptions extends ComponentOptions {
  /** The install's namespace, which receives the API server allow. */
  readonly namespaceRef: INamespace;
}

/**
 * The admission webhook: defaults and validates cert-manager resources. It serves TLS from a CA
 * it creates itself in the Secret `cert-manager-webhook-ca` (dynamic serving); cainjector copies
 * that CA into both webhook configurations, so nothing here carries a caBundle.
 * @internal
 */
export class CertManagerWebhook extends Construct {
  public readonly deployment: k8s.KubeDeployment;
  public readonly mutating: k8s.KubeMutatingWebhookConfiguration;
  public readonly validating: k8s.KubeValidatingWebhookConfiguration;

  public constructor(scope: Construct, id: string, opts: WebhookOptions) {
    super(scope, id);
    const name = CERT_MANAGER_NAMES.webhook;
    const service = CERT_MANAGER_NAMES.webhookService;
    const labels = partLabels('webhook');

    this.deployment = certManagerWorkload(this, {
      part: 'webhook',
      name,
      namespace: opts.namespace,
      replicas: opts.replicas,
      resources: opts.resources,
      scrapeMetrics: opts.scrapeMetrics,
      container: {
        name: CERT_MANAGER_NAMES.webhookContainer,
        image: resolveImage(this, CERT_MANAGER_IMAGES.webhook),
        args: [
          `--v=${opts.logLevel}`,
          `--secure-port=${CERT_MANAGER_PORTS.webhook}`,
          '--dynamic-serving-ca-secret-namespace=$(POD_NAMESPACE)',
          `--dynamic-serving-ca-secret-name=${CERT_MANAGER_NAMES.webhookCaSecret}`,
          // The names the API server may use to reach the Service.
          `--dynamic-serving-dns-names=${service}`,
          `--dynamic-serving-dns-names=${service}.$(POD_NAMESPACE)`,
          `--dynamic-serving-dns-names=${service}.$(POD_NAMESPACE).svc`,
        ],
        ports: [
          tcpPort('https', CERT_MANAGER_PORTS.webhook),
          tcpPort('healthcheck', CERT_MANAGER_PORTS.webhookHealthz),
          tcpPort('http-metrics', CERT_MANAGER_PORTS.metrics),
        ],
        livenessProbe: httpProbe('/livez', 'healthcheck', {
          initialDelaySeconds: 60,
          periodSeconds: 10,
          timeoutSeconds: 1,
          failureThreshold: 3,
        }),
        readinessProbe: httpProbe('/healthz', 'healthcheck', {
          initialDelaySeconds: 5,
          periodSeconds: 5,
          timeoutSeconds: 1,
          failureThreshold: 3,
        }),
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: service, namespace: opts.namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: partSelector('webhook'),
        ports: [
          servicePort('https', CERT_MANAGER_PORTS.webhookService, 'https'),
          servicePort('metrics', CERT_MANAGER_PORTS.metrics, 'http-metrics'),
        ],
      },
    });

    const metadata = {
      name: CERT_MANAGER_NAMES.webhookConfiguration,
      labels,
      annotations: {
        [INJECT_CA_FROM_SECRET_ANNOTATION]: `${opts.namespace}/${CERT_MANAGER_NAMES.webhookCaSecret}`,
      },
    };
    const common = {
      name: CERT_MANAGER_NAMES.webhookName,
      admissionReviewVersions: ['v1'],
      matchPolicy: 'Equivalent',
      timeoutSeconds: 30,
      failurePolicy: 'Fail',
      sideEffects: 'None',
    };
    const clientConfig = (path: string): k8s.WebhookClientConfig => ({
      service: {
        name: service,
        namespace: opts.namespace,
        path,
        port: CERT_MANAGER_PORTS.webhookService,
      },
    });
    const { group, acmeGroup, version } = CERT_MANAGER_API;

    this.mutating = new k8s.KubeMutatingWebhookConfiguration(this, 'MutatingWebhookConfiguration', {
      metadata,
      webhooks: [
        {
          ...common,
          clientConfig: clientConfig('/mutate'),
          rules: [
            {
              apiGroups: [group],
              apiVersions: [version],
              operations: ['CREATE'],
              resources: ['certificaterequests'],
            },
          ],
        },
      ],
    });
    this.validating = new k8s.KubeValidatingWebhookConfiguration(
      this,
      'ValidatingWebhookConfiguration',
      {
        metadata,
        webhooks: [
          {
            ...common,
            clientConfig: clientConfig('/validate'),
            // A namespace labelled cert-manager.io/disable-validation=true is not validated.
            namespaceSelector: {
              matchExpressions: [
                { key: DISABLE_VALIDATION_LABEL, operator: 'NotIn', values: ['true'] },
              ],
            },
            rules: [
              {
                apiGroups: [group, acmeGroup],
                apiVersions: [version],
                operations: ['CREATE', 'UPDATE'],
                resources: ['*/*'],
              },
            ],
          },
        ],
      },
    );

    webhookRbac(this, opts);

    opts.namespaceRef.allowIngress('cert-manager-webhook-from-apiserver', {
      description:
        'Admission calls from the Kubernetes API server to the cert-manager webhook. The API ' +
        'server is not a pod and its source address depends on the cluster (node, control-plane ' +
        'or konnectivity addresses), so any source may reach this one port',
      podLabels: partSelector('webhook'),
      from: [NetworkPeer.ipBlock('0.0.0.0/0'), NetworkPeer.ipBlock('::/0')],
      ports: [{ port: CERT_MANAGER_PORTS.webhook }],
    });
  }
}
