import { dump } from 'js-yaml';
import { ReadinessCheck } from '../../constructs/core/component';
import { Layer } from '../../constructs/core/layers';
import { KubeObject, RenderedPlatform } from '../../stacks/render';

// Writing moved to write-output.ts; re-exported for existing importers.
export { OutputError, writeOutput } from './write-output';
export type { WriteOptions } from './write-output';

export interface OutputFile {
  readonly name: string;
  readonly content: string;
  /** File mode; the install script is executable. @default 0o644 */
  readonly mode?: number;
}

/** YAML without line folding or anchors; strings YAML 1.1 would read as other types are quoted. */
function stringify(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

/** Objects as a multi-document YAML stream; stable for the same input. */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map(stringify).join('---\n');
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** Whether a webhook configuration carries its CA already (otherwise a controller injects it). */
function hasCaBundle(o: KubeObject): boolean {
  const hooks = (o.webhooks ?? []) as { clientConfig?: { caBundle?: string } }[];
  return hooks.length > 0 && hooks.every((h) => Boolean(h.clientConfig?.caBundle));
}

/** Waits, within $TIMEOUT, until a webhook configuration's CA has been injected. */
const WAIT_FOR_CA = [
  'wait_for_ca() {',
  '  local deadline=$((SECONDS + ${TIMEOUT%s}))',
  `  until [ -n "$("$KUBECTL" get "$1" "$2" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ]; do`,
  '    [ "$SECONDS" -lt "$deadline" ] || { echo "Timed out waiting for the CA of $1/$2" >&2; exit 1; }',
  '    sleep 2',
  '  done',
  '}',
  '',
];

/** The readiness check that applies to `o`, if a component declared one for its kind. */
function readinessOf(o: KubeObject, checks: readonly ReadinessCheck[]): ReadinessCheck | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return checks.find((c) => c.kind === o.kind && c.group === group);
}

/** The shell lines that wait until a layer's objects are usable. */
function waitsFor(objects: readonly KubeObject[], checks: readonly ReadinessCheck[]): string[] {
  const lines: string[] = [];
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  if (crds.length > 0) {
    lines.push(
      `"$KUBECTL" wait --for=condition=Established --timeout="$TIMEOUT" ${crds
        .map((c) => `crd/${c.metadata.name}`)
        .join(' ')}`,
    );
  }
  // Custom resources the components say later layers rely on (issuers, certificates, ...).
  for (const o of objects) {
    const check = readinessOf(o, checks);
    if (!check) continue;
    const ns = o.metadata.namespace ? `-n ${o.metadata.namespace} ` : '';
    lines.push(
      `"$KUBECTL" ${ns}wait --for=condition=${check.condition ?? 'Ready'} --timeout="$TIMEOUT" ${o.kind.toLowerCase()}/${o.metadata.name}`,
    );
  }
  // Jobs first: a workload may wait for a Secret that a generator Job creates.
  for (const o of objects.filter((x) => WEBHOOK_KINDS.includes(x.kind) && !hasCaBundle(x))) {
    lines.push(`wait_for_ca ${o.kind.toLowerCase()} ${o.metadata.name}`);
  }
  for (const o of objects.filter((x) => x.kind === 'Job')) {
    lines.push(
      `"$KUBECTL" -n ${o.metadata.namespace ?? 'default'} wait --for=condition=Complete --timeout="$TIMEOUT" job/${o.metadata.name}`,
    );
  }
  for (const o of objects.filter((x) => WORKLOAD_KINDS.includes(x.kind))) {
    lines.push(
      `"$KUBECTL" -n ${o.metadata.namespace ?? 'default'} rollout status ${o.kind.toLowerCase()}/${o.metadata.name} --timeout="$TIMEOUT"`,
    );
  }
  return lines;
}

/**
 * Everything `dist/` holds for a rendered platform: one manifest file per non-empty layer in
 * install order, an install script that applies each layer and waits for it, a kustomization,
 * and the bill of materials.
 */
export function outputFiles(rendered: RenderedPlatform): OutputFile[] {
  const layers = rendered.layers.filter((l) => l.objects.length > 0);
  const files: OutputFile[] = layers.map((l) => ({
    name: `${l.info.id}.k8s.yaml`,
    content: toYaml(l.objects),
  }));

  // Checked once the namespaces exist, since a required Secret lives in one of them.
  const crdChecks =
    rendered.requiredCrds.length > 0
      ? [
          '# CRDs of components the cluster already runs.',
          ...rendered.requiredCrds.map(
            (c) =>
              `"$KUBECTL" get crd ${c.name} >/dev/null || { echo "Missing CRD ${c.name} (${c.purpose})" >&2; exit 1; }`,
          ),
          '',
        ]
      : [];
  const prerequisites =
    rendered.requiredSecrets.length > 0
      ? [
          '# Secrets the environment references but does not create: they must exist before the rest.',
          'missing=0',
          ...rendered.requiredSecrets.map(
            (s) =>
              `"$KUBECTL" -n ${s.namespace} get secret ${s.name} >/dev/null 2>&1 || { echo "Missing Secret ${s.namespace}/${s.name} (keys: ${s.keys.join(', ')}; used by ${s.purpose})" >&2; missing=1; }`,
          ),
          '[ "$missing" = 0 ] || { echo "Create the missing Secrets, then run this script again." >&2; exit 1; }',
          '',
        ]
      : [];
  const script = [
    '#!/usr/bin/env bash',
    `# Installs the "${rendered.environment}" environment layer by layer. Each layer is applied with`,
    '# server-side apply and waited for before the next one, so no step depends on a retry.',
    '# Generated by mlops-blueprint; re-running it is safe.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'KUBECTL="${KUBECTL:-kubectl}"',
    'TIMEOUT="${TIMEOUT:-600s}"',
    '',
    ...(layers.some((l) => l.objects.some((o) => WEBHOOK_KINDS.includes(o.kind) && !hasCaBundle(o)))
      ? WAIT_FOR_CA
      : []),
    ...crdChecks,

    // Without a namespaces layer, check before anything is applied.
    ...(layers.some((l) => l.info.layer === Layer.NAMESPACES) ? [] : prerequisites),
    ...layers.flatMap((l) => [
      `echo "==> ${l.info.id}: ${l.info.description}"`,
      `"$KUBECTL" apply --server-side --field-manager=mlops-blueprint -f ${l.info.id}.k8s.yaml`,
      ...waitsFor(l.objects, rendered.readiness),
      '',
      ...(l.info.layer === Layer.NAMESPACES ? prerequisites : []),
    ]),
    `echo "Environment ${rendered.environment} is installed."`,
    '',
  ].join('\n');
  files.push({ name: 'install.sh', content: script, mode: 0o755 });

  files.push({
    name: 'kustomization.yaml',
    content: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: layers.map((l) => `${l.info.id}.k8s.yaml`),
    }),
  });
  files.push({ name: 'images.txt', content: rendered.images.map((i) => `${i}\n`).join('') });
  return files;
}
