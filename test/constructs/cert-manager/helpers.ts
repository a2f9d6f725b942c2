import { Chart, Testing } from 'cdk8s';
import { CertManager, CertManagerProps } from '../../../constructs/cert-manager';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { LayeredApp, Manifest, Objects } from '../../helpers';

export type { Manifest };
export { LayeredApp, Objects };

export const NAMESPACE = 'cert-manager';

/** cert-manager in one chart, with its namespace (and default-deny policy) in the same chart. */
export function buildCertManager(
  props: Partial<CertManagerProps> = {},
  context: Record<string, unknown> = {},
): { chart: Chart; certManager: CertManager; objects: () => Objects } {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const chart = new Chart(app, 'Test');
  const namespace = new PlatformNamespace(chart, 'Namespace', { name: NAMESPACE });
  const certManager = new CertManager(chart, 'CertManager', { namespace, ...props });
  return { chart, certManager, objects: () => new Objects(Testing.synth(chart) as Manifest[]) };
}
