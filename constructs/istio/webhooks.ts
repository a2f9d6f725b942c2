import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ControlPlaneNames, ISTIO_NAMES, ISTIO_PORTS } from './names';

/**
 * istiod's admission webhooks: sidecar injection for namespaces and pods labelled for it, and
 * validation of Istio configuration. No caBundle is set: istiod patches it into every
 * configuration labelled with its revision once it has its certificate.
 */
export function addIstiodWebhooks(
  scope: Construct,
  names: ControlPlaneNames,
  ns: string,
  labels: Record<string, string>,
): void {
  const rev = names.revisionLabel;
  const service = (path: string): k8s.ServiceReference => ({
    name: names.istiod,
    namespace: ns,
    path,
    port: ISTIO_PORTS.webhookService,
  });
  const expr = (
    key: string,
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
    values?: string[],
  ): k8s.LabelSelectorRequirement => ({ key, operator, ...(values ? { values } : {}) });
  const notDisabled = expr('sidecar.istio.io/inject', 'NotIn', ['false']);
  const injector = (
    prefix: string,
    namespaceSelector: k8s.LabelSelectorRequirement[],
    objectSelector: k8s.LabelSelectorRequirement[],
  ): k8s.MutatingWebhook => ({
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: { service: service('/inject') },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector: { matchExpressions: namespaceSelector },
    objectSelector: { matchExpressions: objectSelector },
  });
  const webhooks = [
    // Namespaces labelled istio.io/rev=<revision>.
    injector(
      'rev.namespace.',
      [expr('istio.io/rev', 'In', [rev]), expr('istio-injection', 'DoesNotExist')],
      [notDisabled],
    ),
    // Pods labelled istio.io/rev=<revision> in unlabelled namespaces.
    injector(
      'rev.object.',
      [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')],
      [notDisabled, expr('istio.io/rev', 'In', [rev])],
    ),
  ];
  if (rev === 'default') {
    webhooks.push(
      // Namespaces labelled istio-injection=enabled.
      injector('namespace.', [expr('istio-injection', 'In', ['enabled'])], [notDisabled]),
      // Pods labelled sidecar.istio.io/inject=true in unlabelled namespaces.
      injector(
        'object.',
        [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')],
        [expr('sidecar.istio.io/inject', 'In', ['true']), expr('istio.io/rev', 'DoesNotExist')],
      ),
    );
  }
  // istiod patches the caBundle of configurations labelled with its revision.
  new k8s.KubeMutatingWebhookConfiguration(scope, 'InjectionWebhook', {
    metadata: {
      name: names.injectorWebhook,
      labels: { ...labels, app: 'sidecar-injector', 'istio.io/rev': rev },
    },
    webhooks,
  });

  const validatorLabels = { ...labels, app: 'istiod', istio: 'istiod', 'istio.io/rev': rev };
  const validator = (name: string, objectSelector?: k8s.LabelSelector): k8s.ValidatingWebhook => ({
    name,
    clientConfig: { service: service('/validate') },
    rules: [
      {
        operations: ['CREATE', 'UPDATE'],
        apiGroups: [
          'security.istio.io',
          'networking.istio.io',
          'telemetry.istio.io',
          'extensions.istio.io',
        ],
        apiVersions: ['*'],
        resources: ['*'],
      },
    ],
    // Upstream starts at Ignore and istiod switches to Fail once its endpoint works. Our layered
    // install applies Istio resources only after istiod is ready and its CA is injected, so this
    // fails closed from the start, and a re-apply never fights istiod over the field.
    failurePolicy: 'Fail',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...(objectSelector ? { objectSelector } : {}),
  });
  new k8s.KubeValidatingWebhookConfiguration(scope, 'ValidationWebhook', {
    metadata: { name: names.validatorWebhook, labels: validatorLabels },
    webhooks: [
      validator('rev.validation.istio.io', {
        matchExpressions: [expr('istio.io/rev', 'In', [rev])],
      }),
    ],
  });
  // Config without an istio.io/rev label is validated by this control plane too.
  new k8s.KubeValidatingWebhookConfiguration(scope, 'DefaultValidationWebhook', {
    metadata: { name: ISTIO_NAMES.defaultValidatorWebhook, labels: validatorLabels },
    webhooks: [validator('validation.istio.io')],
  });
}
