import { Chart, Testing } from 'cdk8s';
import { ICertificateIssuer } from '../../../constructs/core/certificates';
import { PodDefaultsWebhook, PodDefaultsWebhookProps } from '../../../constructs/poddefaults';
import { CLUSTER_ISSUER, FakeNamespace } from '../../fakes';
import { Manifest, Objects } from '../../helpers';

export type { Manifest };
export { Objects };

export const NS = 'kubeflow';

export function buildWebhook(
  props: Partial<PodDefaultsWebhookProps> = {},
  issuer: ICertificateIssuer = CLUSTER_ISSUER,
): { webhook: PodDefaultsWebhook; namespace: FakeNamespace; objects: () => Objects } {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const namespace = new FakeNamespace(NS);
  const webhook = new PodDefaultsWebhook(chart, 'PodDefaults', { namespace, issuer, ...props });
  return { webhook, namespace, objects: () => new Objects(Testing.synth(chart) as Manifest[]) };
}
