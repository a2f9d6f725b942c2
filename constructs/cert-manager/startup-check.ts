import { Construct } from 'constructs';
import { KubectlJob } from '../core/kubectl-job';
import { standardLabels } from '../core/labels';
import { CERT_MANAGER_API, CERT_MANAGER_NAMES } from './names';

/** Name of the Job, its ServiceAccount and Role. */
export const STARTUP_CHECK_NAME = 'cert-manager-startup-check';

// A server-side dry run passes through both admission webhooks, so it succeeds only once the
// webhook serves and cainjector has injected its CA. Nothing is stored.
const CHECK_SCRIPT = [
  'set -eu',
  'cat > /tmp/check.yaml <<EOF',
  `apiVersion: ${CERT_MANAGER_API.apiVersion}`,
  'kind: Certificate',
  'metadata:',
  '  name: startup-check',
  'spec:',
  '  secretName: startup-check',
  '  dnsNames: [startup-check.invalid]',
  '  issuerRef: { name: startup-check, kind: Issuer }',
  'EOF',
  'until kubectl create --dry-run=server --namespace "$POD_NAMESPACE" -f /tmp/check.yaml; do',
  '  echo "cert-manager webhook not ready yet"; sleep 3',
  'done',
].join('\n');

export interface CertManagerStartupCheckProps {
  readonly namespace: string;
}

/**
 * A Job that completes once cert-manager admits resources: the webhook serves with an injected
 * CA. Its layer is done only when the Job is, so issuers in the next layer never meet a webhook
 * that is not ready (upstream answers this with a post-install hook and retries).
 */
export class CertManagerStartupCheck extends Construct {
  public readonly jobName = STARTUP_CHECK_NAME;

  public constructor(scope: Construct, id: string, props: CertManagerStartupCheckProps) {
    super(scope, id);
    new KubectlJob(this, 'Check', {
      name: STARTUP_CHECK_NAME,
      namespace: props.namespace,
      labels: standardLabels({
        name: 'cert-manager',
        instance: CERT_MANAGER_NAMES.controller,
        component: 'startup-check',
      }),
      script: CHECK_SCRIPT,
      rules: [
        {
          namespace: props.namespace,
          rules: [
            { apiGroups: [CERT_MANAGER_API.group], resources: ['certificates'], verbs: ['create'] },
          ],
        },
      ],
    });
  }
}
