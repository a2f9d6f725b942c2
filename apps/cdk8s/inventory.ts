import { MANAGED_BY, PART_OF } from '../../constructs/core/labels';
import { KubeObject, RenderedPlatform } from '../../stacks/render';
import { PROTECTED_KINDS } from '../../stacks/protection';

/**
 * Pruning in `install.sh`: after every layer is applied, objects that carry the platform's labels
 * but are no longer in this output's inventory are deleted, except the protected ones.
 *
 * Why not `kubectl apply --prune`: its allowlist mode needs every kind named up front and deletes
 * by label alone (so it would delete PVCs a StatefulSet controller copied our labels onto), and
 * the `--applyset` mode is alpha (KUBECTL_APPLYSET=true) and needs an ApplySet parent object. An
 * inventory compiled into the script is exact, needs no extra object in the cluster, and lets the
 * script print the plan and guard protected kinds before anything is deleted.
 */

/** The label selector of every object the platform renders (constructs/core/labels.ts). */
export const PLATFORM_SELECTOR = `app.kubernetes.io/part-of=${PART_OF},app.kubernetes.io/managed-by=${MANAGED_BY}`;

/** The field manager `install.sh` applies with: only objects it applied are ever pruned. */
export const FIELD_MANAGER = MANAGED_BY;

/** An annotation a user sets on an object (`false`) to keep it from pruning for good. */
export const KEEP_ANNOTATION = 'mlops-blueprint.dev/prune';

/**
 * Kinds pruned only with `--prune-protected` (`Kind.group`; `Kind` in the core group): the
 * platform's, in stacks/protection.ts, which plan and the GitOps output use too.
 */
export { PROTECTED_KINDS };

/**
 * Kinds never listed: the controllers make them (Endpoints copy a Service's labels and have no
 * owner) and there are many; the field-manager check would skip them anyway.
 */
const UNLISTED_RESOURCES = [
  'events',
  'events.events.k8s.io',
  'endpoints',
  'endpointslices.discovery.k8s.io',
];

/** An object's kubectl type: `Kind.group`, or `Kind` in the core group. */
export function kubectlType(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return group ? `${kind}.${group}` : kind;
}

/** One inventory line: `Kind.group namespace/name` (`Kind.group name` when cluster-scoped). */
export function inventoryEntry(o: KubeObject): string {
  const id = o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
  return `${kubectlType(o.apiVersion, o.kind)} ${id}`;
}

/** The inventory of a rendered platform: every object it renders, sorted, once. */
export function inventory(rendered: RenderedPlatform): string[] {
  const entries = rendered.layers.flatMap((l) => l.objects.map(inventoryEntry));
  return [...new Set(entries)].sort();
}

/**
 * The jsonpath that prints each listed object on one line, tab-separated: apiVersion, kind,
 * namespace, name, the kinds of its owners, the managers that applied it, the keep annotation.
 */
const LISTING_JSONPATH = [
  '{range .items[*]}',
  '{.apiVersion}{"\\t"}{.kind}{"\\t"}{.metadata.namespace}{"\\t"}{.metadata.name}{"\\t"}',
  '{.metadata.ownerReferences[*].kind}{"\\t"}',
  '{.metadata.managedFields[?(@.operation=="Apply")].manager}{"\\t"}',
  `{.metadata.annotations.${KEEP_ANNOTATION.replace(/\./g, '\\.')}}{"\\n"}`,
  '{end}',
].join('');

/**
 * Classifies the listed objects (stdin, as LISTING_JSONPATH prints them) against the inventory
 * (the file in $1). Prints `rank<TAB>verdict<TAB>kubectl resource<TAB>namespace<TAB>name<TAB>
 * Kind.group namespace/name`, where verdict is prune, protected or kept, and rank the deletion
 * order: custom resources first (their controllers still run to clear finalizers), then webhook
 * configurations (a webhook whose service goes away would block admission), the rest, RBAC,
 * CRDs, namespaces last. Objects in the inventory, with an owner (made by a controller) or not
 * applied by this script's field manager (labels copied by a controller: PVCs of a StatefulSet,
 * Endpoints, cert-manager's Secrets) are never candidates.
 */
const CLASSIFY = [
  'prune_classify() {',
  `  awk -F'\\t' -v protected=" $PROTECTED_KINDS " -v manager="${FIELD_MANAGER}" '`,
  // The namespaces the output still uses: its Namespaces and the namespaces of its objects.
  '    NR == FNR {',
  '      inventory[$0] = 1',
  '      split($0, entry, " "); slash = index(entry[2], "/")',
  '      if (entry[1] == "Namespace") used[entry[2]] = 1',
  '      else if (slash) used[substr(entry[2], 1, slash - 1)] = 1',
  '      next',
  '    }',
  '    {',
  '      api = $1; kind = $2; ns = $3; name = $4',
  '      slash = index(api, "/")',
  '      group = slash ? substr(api, 1, slash - 1) : ""',
  '      version = slash ? substr(api, slash + 1) : api',
  '      type = group == "" ? kind : kind "." group',
  '      id = ns == "" ? name : ns "/" name',
  '      if ((type " " id) in inventory || $5 != "" || index(" " $6 " ", " " manager " ") == 0) next',
  '      verdict = $7 == "false" ? "kept" : index(protected, " " type " ") ? "protected" : "prune"',
  // A namespace the output no longer uses stays (Namespaces are protected, and a tenant's is the
  // profile controller's): its network and mesh policies stay with it, so what remains in it (a
  // database) is not left open.
  '      if (verdict == "prune" && ns != "" && !(ns in used) && kind ~ /^(NetworkPolicy|AuthorizationPolicy|PeerAuthentication)$/) verdict = "protected"',
  '      rank = 3',
  '      if (index(group, ".") && group !~ /\\.k8s\\.io$/) rank = 1',
  '      else if (kind ~ /^(Mutating|Validating)WebhookConfiguration$/) rank = 2',
  '      else if (group == "rbac.authorization.k8s.io" || kind == "ServiceAccount") rank = 4',
  '      else if (kind == "CustomResourceDefinition") rank = 5',
  '      else if (kind == "Namespace") rank = 6',
  '      resource = group == "" ? kind : kind "." version "." group',
  '      printf "%d\\t%s\\t%s\\t%s\\t%s\\t%s %s\\n", rank, verdict, resource, ns == "" ? "-" : ns, name, type, id',
  '    }',
  `  ' "$1" - | sort -t "$(printf '\\t')" -k1,1n -k6,6`,
  '}',
];

/**
 * The shell functions that prune, placed after the last apply and before the install record. The inventory is part
 * of the script, so the script and the layers it applies can never disagree.
 */
export function pruneLines(rendered: RenderedPlatform): string[] {
  const environment = rendered.environment;
  return [
    '# Pruning: objects with the platform labels, applied by this script, that this output no',
    '# longer renders. Protected kinds stay unless --prune-protected (see PROTECTED_KINDS).',
    `PROTECTED_KINDS='${PROTECTED_KINDS.map((k) => k.type).join(' ')}'`,
    'inventory() {',
    "  cat <<'INVENTORY'",
    ...inventory(rendered),
    'INVENTORY',
    '}',
    // One `get` over every listable kind: a kind the platform no longer renders at all (a removed
    // component's) is found too. A kind that fails to list (an aggregated API down, no RBAC) is
    // reported and left out: that prunes less, never more.
    'prune_listing() {',
    '  local types',
    // grep finds nothing in a cluster without those types, which is not an error.
    `  types=$(kc api-resources --verbs=list,delete -o name | { grep -Ev '^(${UNLISTED_RESOURCES.map((r) => r.replace(/\./g, '\\.')).join('|')})$' || true; } | paste -sd, -) || echo "warning: some API groups could not be listed; their objects are not pruned." >&2`,
    '  [ -n "$types" ] || return 0',
    `  kc get "$types" --all-namespaces -l '${PLATFORM_SELECTOR}' -o jsonpath='${LISTING_JSONPATH}' || echo "warning: some kinds could not be listed; their objects are not pruned." >&2`,
    '}',
    ...CLASSIFY,
    'prune_count() { if [ -z "$1" ]; then echo 0; else wc -l <<<"$1" | tr -d \' \'; fi; }',
    'prune_list() { if [ -n "$1" ]; then cut -f6 <<<"$1" | sed \'s/^/  /\'; fi; }',
    'prune() {',
    '  local recorded plan selected protected kept rank verdict resource ns name id',
    '  recorded=$1',
    `  if [ -n "$recorded" ] && [ "$recorded" != "${environment}" ]; then`,
    `    echo "==> prune skipped: this cluster's install record names the environment '$recorded', not '${environment}'. Pruning could delete objects of '$recorded'; if this cluster now runs '${environment}', run this script again (the record names it from now on)." >&2`,
    '    return 0',
    '  fi',
    '  echo "==> prune: objects with the platform labels that this output no longer renders"',
    '  plan=$(prune_listing | prune_classify <(inventory))',
    '  if [ "$PRUNE_PROTECTED" = 1 ]; then',
    '    selected=$(awk -F\'\\t\' \'$2 != "kept"\' <<<"$plan")',
    '    protected=""',
    '  else',
    '    selected=$(awk -F\'\\t\' \'$2 == "prune"\' <<<"$plan")',
    '    protected=$(awk -F\'\\t\' \'$2 == "protected"\' <<<"$plan")',
    '  fi',
    '  kept=$(awk -F\'\\t\' \'$2 == "kept"\' <<<"$plan")',
    '  if [ -n "$protected" ]; then',
    '    echo "Keeping $(prune_count "$protected") protected objects the output no longer renders (CRDs, Profiles, namespaces, volumes, databases, Secrets; delete them with --prune-protected):"',
    '    prune_list "$protected"',
    '  fi',
    '  if [ -n "$kept" ]; then',
    `    echo "Keeping $(prune_count "$kept") objects annotated ${KEEP_ANNOTATION}=false:"`,
    '    prune_list "$kept"',
    '  fi',
    '  echo "Would prune $(prune_count "$selected") objects:"',
    '  prune_list "$selected"',
    '  [ -n "$selected" ] || return 0',
    '  if [ "$PRUNE_DRY_RUN" = 1 ]; then echo "Dry run (--prune-dry-run): nothing deleted."; return 0; fi',
    "  while IFS=$'\\t' read -r rank verdict resource ns name id; do",
    // Custom resources are deleted and waited for while their controllers still run (a finalizer
    // needs its controller); everything else is deleted without waiting for its finalizers.
    // `read` joins adjacent tabs, so a cluster-scoped object's namespace is `-` until here.
    '    [ "$ns" != - ] || ns=""',
    '    if [ "$rank" = 1 ]; then',
    '      kc delete ${ns:+-n "$ns"} "$resource" "$name" --ignore-not-found --wait=true --timeout="$TIMEOUT" </dev/null',
    '    else',
    '      kc delete ${ns:+-n "$ns"} "$resource" "$name" --ignore-not-found --wait=false </dev/null',
    '    fi',
    '  done <<<"$selected"',
    '  echo "Pruned $(prune_count "$selected") objects."',
    '}',
    '# The environment the cluster ran before this run records its own.',
    'PREVIOUS_ENVIRONMENT=$(installed environment)',
    '',
  ];
}

/**
 * The call, after the install record: a prune that fails (a finalizer that does not finish, a
 * delete the caller may not do) leaves the record of what was applied intact.
 */
export const PRUNE_RUN = ['if [ "$PRUNE" = 1 ]; then prune "$PREVIOUS_ENVIRONMENT"; fi'];

/** The options `install.sh` takes, parsed before anything runs. */
export const OPTIONS = [
  'PRUNE=1 PRUNE_PROTECTED=0 PRUNE_DRY_RUN=0',
  'usage() {',
  "  cat <<'USAGE'",
  'Usage: install.sh [--no-prune] [--prune-dry-run] [--prune-protected]',
  '  --no-prune         apply every layer, delete nothing the output no longer renders',
  '  --prune-dry-run    apply every layer, list what would be pruned, delete nothing',
  '  --prune-protected  also prune CRDs, Profiles, namespaces, volumes, StatefulSets and Secrets',
  'Environment: KUBECTL (default kubectl), TIMEOUT (default 600s).',
  'USAGE',
  '}',
  'while [ $# -gt 0 ]; do',
  '  case $1 in',
  '    --no-prune) PRUNE=0 ;;',
  '    --prune-dry-run) PRUNE_DRY_RUN=1 ;;',
  '    --prune-protected) PRUNE_PROTECTED=1 ;;',
  '    -h | --help) usage; exit 0 ;;',
  '    *) echo "Unknown option $1" >&2; usage >&2; exit 2 ;;',
  '  esac',
  '  shift',
  'done',
  '',
];
