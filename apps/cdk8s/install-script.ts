import { ReadinessCheck } from '../../constructs/core/component';
import { Layer } from '../../constructs/core/layers';
import { KubeObject, RenderedPlatform } from '../../stacks/render';
import { OPTIONS, PRUNE_RUN, pruneLines } from './inventory';
import { TEMPLATE_HASH_ANNOTATION } from '../../stacks/protection';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/** The ConfigMap in kube-system where the install records the versions it installed. */
export const INSTALL_RECORD = { namespace: 'kube-system', name: 'mlops-blueprint-installed' };

/** The record's key for a component (ConfigMap keys allow `-`, kubectl's JSONPath reads `_` safely). */
export function recordKey(component: string): string {
  return component.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Whether a webhook configuration carries its CA already (otherwise a controller injects it). */
function hasCaBundle(o: KubeObject): boolean {
  const hooks = (o.webhooks ?? []) as { clientConfig?: { caBundle?: string } }[];
  return hooks.length > 0 && hooks.every((h) => Boolean(h.clientConfig?.caBundle));
}

/**
 * The script's preamble. `KUBECTL` may carry flags (`KUBECTL="kubectl --context prod"`), so it is
 * split into words once; `TIMEOUT` is any duration kubectl accepts (`600s`, `15m`, `1h30m`), and
 * the CA wait converts it to seconds itself.
 */
const PREAMBLE = [
  'set -euo pipefail',
  'cd "$(dirname "$0")"',
  'read -r -a KUBECTL_CMD <<< "${KUBECTL:-kubectl}"',
  'kc() { "${KUBECTL_CMD[@]}" "$@"; }',
  'TIMEOUT="${TIMEOUT:-600s}"',
  'seconds_of() {',
  '  local rest=$1 total=0',
  '  while [[ $rest =~ ^([0-9]+)([hms])(.*)$ ]]; do',
  '    case ${BASH_REMATCH[2]} in',
  '      h) total=$((total + BASH_REMATCH[1] * 3600)) ;;',
  '      m) total=$((total + BASH_REMATCH[1] * 60)) ;;',
  '      s) total=$((total + BASH_REMATCH[1])) ;;',
  '    esac',
  '    rest=${BASH_REMATCH[3]}',
  '  done',
  '  [ -z "$rest" ] && [ "$1" != "" ] || { echo "TIMEOUT must be a duration such as 600s, 15m or 1h30m (got \'$1\')." >&2; exit 2; }',
  '  echo "$total"',
  '}',
  'TIMEOUT_SECONDS=$(seconds_of "$TIMEOUT")',
  '',
];

/** Waits, within $TIMEOUT, until a webhook configuration's CA has been injected. */
const WAIT_FOR_CA = [
  'wait_for_ca() {',
  '  local deadline=$((SECONDS + TIMEOUT_SECONDS))',
  `  until [ -n "$(kc get "$1" "$2" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')" ]; do`,
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
      `kc wait --for=condition=Established --timeout="$TIMEOUT" ${crds
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
      `kc ${ns}wait --for=condition=${check.condition ?? 'Ready'} --timeout="$TIMEOUT" ${o.kind.toLowerCase()}/${o.metadata.name}`,
    );
  }
  // Jobs first: a workload may wait for a Secret that a generator Job creates.
  for (const o of objects.filter((x) => WEBHOOK_KINDS.includes(x.kind) && !hasCaBundle(x))) {
    lines.push(`wait_for_ca ${o.kind.toLowerCase()} ${o.metadata.name}`);
  }
  for (const o of objects.filter((x) => x.kind === 'Job')) {
    lines.push(
      `kc -n ${o.metadata.namespace ?? 'default'} wait --for=condition=Complete --timeout="$TIMEOUT" job/${o.metadata.name}`,
    );
  }
  for (const o of objects.filter((x) => WORKLOAD_KINDS.includes(x.kind))) {
    lines.push(
      `kc -n ${o.metadata.namespace ?? 'default'} rollout status ${o.kind.toLowerCase()}/${o.metadata.name} --timeout="$TIMEOUT"`,
    );
  }
  return lines;
}

function deleteLine(ref: { resource: string; namespace?: string; name: string }): string {
  const ns = ref.namespace ? `-n ${ref.namespace} ` : '';
  return `  kc ${ns}delete ${ref.resource} ${ref.name} --ignore-not-found --wait=true`;
}

/**
 * The upgrade steps of one phase (`deleteBeforeApply` before the first layer, `pruneAfterApply`
 * after the last): each runs when the recorded version of its component is older than the step's
 * version, or unknown (an install from before the record; on a fresh install the deletions find
 * nothing).
 */
function upgradeLines(rendered: RenderedPlatform, phase: 'before' | 'after'): string[] {
  const lines: string[] = [];
  for (const { component, steps } of rendered.upgrades) {
    for (const step of steps) {
      const refs = (phase === 'before' ? step.deleteBeforeApply : step.pruneAfterApply) ?? [];
      if (refs.length === 0) continue;
      lines.push(
        `if older_than "$(installed ${recordKey(component)})" ${step.version}; then`,
        `  echo "==> upgrade of ${component} to ${step.version}: ${step.description.replace(/["$`\\]/g, '')}"`,
        ...refs.map(deleteLine),
        'fi',
      );
    }
  }
  return lines.length > 0 ? [...lines, ''] : [];
}

const UPGRADE_HELPERS = [
  '# Versions of the previous install, for the upgrade steps (see versions.md).',
  'installed() {',
  `  kc -n ${INSTALL_RECORD.namespace} get configmap ${INSTALL_RECORD.name} -o "jsonpath={.data.$1}" 2>/dev/null || true`,
  '}',
  'older_than() {',
  '  [ -z "$1" ] && return 0',
  '  local a=${1#v} b=${2#v}',
  '  [ "$a" != "$b" ] && [ "$(printf \'%s\\n%s\\n\' "$a" "$b" | sort -V | head -n 1)" = "$a" ]',
  '}',
  '',
];

/**
 * A Job's pod template cannot be changed: a Job whose template hash (on the Job since the hash was
 * introduced) differs from the one rendered is deleted before its layer is applied, and the apply
 * creates it again. The platform's Jobs are idempotent (generators keep existing Secrets,
 * migrations go to the schema's head), so running one again is safe.
 */
const RECREATE_JOB = [
  'recreate_job() {',
  '  local live',
  `  live=$(kc -n "$1" get job "$2" --ignore-not-found -o "jsonpath={.metadata.name} {.metadata.annotations.${TEMPLATE_HASH_ANNOTATION.replace(/\./g, '\\.')}}")`,
  '  [ -n "$live" ] || return 0',
  '  if [ "${live#* }" != "$3" ]; then',
  '    echo "    job $1/$2: its pod template changed; deleting it so that the apply runs it again"',
  '    kc -n "$1" delete job "$2" --wait=true',
  '  fi',
  '}',
  '',
];

/** The `recreate_job` lines of a layer's Jobs, before its apply. */
function recreateJobs(objects: readonly KubeObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'Job' && o.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION])
    .map(
      (o) =>
        `recreate_job ${o.metadata.namespace ?? 'default'} ${o.metadata.name} ${o.metadata.annotations?.[TEMPLATE_HASH_ANNOTATION] ?? ''}`,
    );
}

/**
 * What the cluster must already have because a component it runs owns it: each missing one stops
 * the script before anything is applied.
 */
function existsChecks(
  what: string,
  resource: string,
  label: string,
  items: readonly { readonly name: string; readonly purpose: string }[],
): string[] {
  if (items.length === 0) return [];
  return [
    `# ${what} of components the cluster already runs.`,
    ...items.map(
      (i) =>
        `kc get ${resource} ${i.name} >/dev/null || { echo "Missing ${label} ${i.name} (${i.purpose})" >&2; exit 1; }`,
    ),
    '',
  ];
}

/**
 * `install.sh`: checks prerequisites, runs the upgrade steps an older install needs, applies each
 * layer with server-side apply and waits for it before the next, runs the upgrade steps after the
 * apply, prunes what the output no longer renders (inventory.ts; protected kinds only with
 * `--prune-protected`, nothing with `--no-prune`) and records the installed versions. Safe to
 * re-run.
 */
export function installScript(rendered: RenderedPlatform): string {
  const layers = rendered.layers.filter((l) => l.objects.length > 0);
  const crdChecks = existsChecks('CRDs', 'crd', 'CRD', rendered.requiredCrds);
  const namespaceChecks = existsChecks(
    'Namespaces',
    'namespace',
    'namespace',
    rendered.requiredNamespaces,
  );
  const meshChecks = rendered.requiredMeshProviders.flatMap((p) => [
    `# The mesh config of your Istio must name the ext-authz provider ${p.name}.`,
    `if ! kc -n ${p.namespace} get configmap ${p.configMap} -o jsonpath='{.data.mesh}' | grep -Eq 'name: *"?${p.name}"?$'; then`,
    `  echo "The mesh config (configmap ${p.namespace}/${p.configMap}) has no extension provider ${p.name}. Add this under meshConfig.extensionProviders of your Istio installation, then run this script again:" >&2`,
    `  cat >&2 <<'ENTRY'`,
    ...p.entry.trimEnd().split('\n'),
    'ENTRY',
    '  exit 1',
    'fi',
    '',
  ]);
  // Checked once the namespaces exist, since a required Secret lives in one of them.
  const prerequisites =
    rendered.requiredSecrets.length > 0
      ? [
          '# Secrets the environment references but does not create: they must exist before the rest.',
          'missing=0',
          ...rendered.requiredSecrets.map(
            (s) =>
              `kc -n ${s.namespace} get secret ${s.name} >/dev/null 2>&1 || { echo "Missing Secret ${s.namespace}/${s.name} (keys: ${s.keys.join(', ')}; used by ${s.purpose})" >&2; missing=1; }`,
          ),
          '[ "$missing" = 0 ] || { echo "Create the missing Secrets, then run this script again." >&2; exit 1; }',
          '',
        ]
      : [];
  const record = [
    '# Record what is installed, for the upgrade steps of the next version.',
    `kc -n ${INSTALL_RECORD.namespace} create configmap ${INSTALL_RECORD.name} ${[
      `--from-literal=environment=${rendered.environment}`,
      ...rendered.upgrades.map((u) => `--from-literal=${recordKey(u.component)}=${u.version}`),
    ].join(
      ' ',
    )} --dry-run=client -o yaml | kc apply --server-side --field-manager=mlops-blueprint -f -`,
    '',
  ];
  return [
    '#!/usr/bin/env bash',
    `# Installs the "${rendered.environment}" environment layer by layer. Each layer is applied with`,
    '# server-side apply and waited for before the next one, so no step depends on a retry.',
    '# KUBECTL="kubectl --context prod" and TIMEOUT=15m choose the cluster and the wait per step.',
    '# Generated by mlops-blueprint; re-running it is safe. After the last layer it deletes what this',
    '# output no longer renders, except CRDs, Profiles, namespaces, volumes, StatefulSets and Secrets',
    '# (--prune-protected deletes those too, --prune-dry-run applies but only lists what it would prune,',
    '# --no-prune skips; --help).',
    ...PREAMBLE,
    ...OPTIONS,
    ...(layers.some((l) => l.objects.some((o) => WEBHOOK_KINDS.includes(o.kind) && !hasCaBundle(o)))
      ? WAIT_FOR_CA
      : []),
    ...UPGRADE_HELPERS,
    ...(layers.some((l) => recreateJobs(l.objects).length > 0) ? RECREATE_JOB : []),
    ...crdChecks,
    ...namespaceChecks,
    ...meshChecks,
    // Without a namespaces layer, check before anything is applied.
    ...(layers.some((l) => l.info.layer === Layer.NAMESPACES) ? [] : prerequisites),
    ...upgradeLines(rendered, 'before'),
    ...layers.flatMap((l) => [
      `echo "==> ${l.info.id}: ${l.info.description}"`,
      ...recreateJobs(l.objects),
      `kc apply --server-side --field-manager=mlops-blueprint -f ${l.info.id}.k8s.yaml`,
      ...waitsFor(l.objects, rendered.readiness),
      '',
      ...(l.info.layer === Layer.NAMESPACES ? prerequisites : []),
    ]),
    ...upgradeLines(rendered, 'after'),
    ...pruneLines(rendered),
    ...record,
    ...PRUNE_RUN,
    `echo "Environment ${rendered.environment} is installed."`,
    '',
  ].join('\n');
}
