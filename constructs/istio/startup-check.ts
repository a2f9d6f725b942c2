import { Construct } from 'constructs';
import { KubectlJob } from '../core/kubectl-job';
import { standardLabels } from '../core/labels';

/** Name of the Job, its ServiceAccount and Role. */
export const ISTIO_STARTUP_CHECK_NAME = 'istio-startup-check';

// A server-side dry run passes through istiod's validating webhook, so it succeeds only once
// istiod serves and has patched its CA into the webhook configuration. Nothing is stored.
const CHECK_SCRIPT = [
  'set -eu',
  'cat > /tmp/check.yaml <<EOF',
  'apiVersion: security.istio.io/v1',
  'kind: PeerAuthentication',
  'metadata:',
  '  name: startup-check',
  'spec:',
  '  mtls: { mode: STRICT }',
  'EOF',
  'until kubectl create --dry-run=server --namespace "$POD_NAMESPACE" -f /tmp/check.yaml; do',
  '  echo "istiod validation webhook not ready yet"; sleep 3',
  'done',
].join('\n');

/**
 * A Job that completes once istiod validates Istio resources. Its layer is done only when the
 * Job is, so Istio resources in the next layer never meet a webhook without its CA, whichever
 * engine applies them (the install script also waits for the CA; Pulumi waits for the Job).
 */
export class IstioStartupCheck extends Construct {
  public readonly jobName = ISTIO_STARTUP_CHECK_NAME;

  public constructor(scope: Construct, id: string, props: { readonly namespace: string }) {
    super(scope, id);
    new KubectlJob(this, 'Check', {
      name: ISTIO_STARTUP_CHECK_NAME,
      namespace: props.namespace,
      labels: standardLabels({ name: 'istio', instance: 'istiod', component: 'startup-check' }),
      script: CHECK_SCRIPT,
      rules: [
        {
          namespace: props.namespace,
          rules: [
            {
              apiGroups: ['security.istio.io'],
              resources: ['peerauthentications'],
              verbs: ['create'],
            },
          ],
        },
      ],
    });
  }
}
