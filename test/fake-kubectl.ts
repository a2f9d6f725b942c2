/**
 * A stand-in kubectl for running a generated `install.sh` under bash: it appends each call (one
 * line of arguments) to $KUBECTL_LOG and answers what the script asks:
 * - an injected CA for the CA wait;
 * - the previous install's record from $INSTALLED (`key=value` pairs, e.g. `environment=dev`);
 * - YAML for `create --dry-run`;
 * - a live Job's name and template hash from $JOB_LIVE;
 * - the listable kinds from $FAKE_API_RESOURCES and the labelled objects from the file
 *   $FAKE_LISTING, for pruning.
 * Everything else succeeds silently.
 */
export const FAKE_KUBECTL = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$KUBECTL_LOG"
case "$*" in
  *caBundle*) printf 'LS0tLS1CRUdJTg==' ;;
  *"get configmap mlops-blueprint-installed"*)
    key=$(echo "$*" | sed -n 's/.*{.data.\\([a-z_]*\\)}.*/\\1/p')
    for kv in \${INSTALLED:-}; do [ "\${kv%%=*}" = "$key" ] && printf '%s' "\${kv#*=}"; done ;;
  *"create configmap"*) echo "kind: ConfigMap" ;;
  *"get job"*"template-hash"*) [ -n "\${JOB_LIVE:-}" ] && printf '%s' "$JOB_LIVE" ;;
  "api-resources "*) for r in \${FAKE_API_RESOURCES:-}; do echo "$r"; done ;;
  "get "*" -l "*) [ -n "\${FAKE_LISTING:-}" ] && cat "$FAKE_LISTING" ;;
  *"apply"*"-f -"*) cat >/dev/null ;;
esac
exit 0
`;
