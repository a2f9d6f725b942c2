import { asList, asRecord, asString, field, item } from '../../core/access';
import { defineRule } from '../../core/define';
import { POD_TEMPLATE_KINDS, podOf } from '../../core/pod-spec';
import { KubeObject, RuleViolation } from '../../core/types';
import { isCredentialName, isLiteralCredentialValue } from './credential-heuristics';

// Never echo the value itself: the report is printed in CI logs.
const FOUND = 'a literal value';

function secretData(obj: KubeObject): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const key of ['data', 'stringData']) {
    for (const [name, value] of Object.entries(asRecord(obj[key]) ?? {})) {
      if (typeof value === 'string' ? value !== '' : value !== null && value !== undefined) {
        violations.push({
          path: field(key, name),
          problem: 'is a credential written into the manifest',
          found: FOUND,
          fix:
            'Create this Secret outside the manifests (operator-managed, Pulumi secret config or ' +
            'an in-cluster generator) and keep only references to it in the output.',
        });
      }
    }
  }
  return violations;
}

function configMapData(obj: KubeObject): RuleViolation[] {
  return Object.entries(asRecord(obj.data) ?? {})
    .filter(([name, value]) => isCredentialName(name) && isLiteralCredentialValue(value))
    .map(([name]) => ({
      path: field('data', name),
      problem: 'looks like a credential stored in a ConfigMap',
      found: FOUND,
    }));
}

/** Flags in `--name=value`, `--name value` and `NAME=value` form with a literal credential. */
function argumentViolations(args: readonly unknown[], path: string): RuleViolation[] {
  const violations: RuleViolation[] = [];
  args.forEach((arg, index) => {
    if (typeof arg !== 'string') {
      return;
    }
    const assignment = /^-{0,2}([A-Za-z0-9_.-]+)=(.*)$/s.exec(arg);
    if (assignment !== null) {
      const [, name = '', value = ''] = assignment;
      if (isCredentialName(name) && isLiteralCredentialValue(value)) {
        violations.push({
          path: item(path, index),
          problem: `passes a literal credential to ${name}`,
          found: FOUND,
        });
      }
      return;
    }
    const next = args[index + 1];
    if (
      /^--?[A-Za-z0-9_.-]+$/.test(arg) &&
      isCredentialName(arg) &&
      typeof next === 'string' &&
      !next.startsWith('-') &&
      isLiteralCredentialValue(next)
    ) {
      violations.push({
        path: item(path, index + 1),
        problem: `passes a literal credential to ${arg}`,
        found: FOUND,
      });
    }
  });
  return violations;
}

function workloadViolations(obj: KubeObject): RuleViolation[] {
  const pod = podOf(obj);
  if (pod === undefined) {
    return [];
  }
  const violations: RuleViolation[] = [];
  for (const c of pod.containers) {
    const envPath = field(c.path, 'env');
    asList(c.container.env).forEach((entry, index) => {
      const env = asRecord(entry);
      const name = asString(env?.name);
      if (name !== undefined && isCredentialName(name) && isLiteralCredentialValue(env?.value)) {
        violations.push({
          path: field(item(envPath, index), 'value'),
          problem: `holds a literal credential for ${name}`,
          found: FOUND,
        });
      }
    });
    for (const key of ['command', 'args']) {
      violations.push(...argumentViolations(asList(c.container[key]), field(c.path, key)));
    }
  }
  return violations;
}

export const literalCredentials = defineRule({
  id: 'platform/literal-credentials',
  level: 'warning',
  productionLevel: 'error',
  kinds: ['Secret', 'ConfigMap', ...POD_TEMPLATE_KINDS],
  subject: 'object',
  title: 'No literal credentials in Secrets, ConfigMaps, env or args',
  rationale:
    'A credential typed into a manifest ends up in Git, in CI logs and in every copy of the ' +
    'output. Production values come from a Secret the operator manages, Pulumi secret config ' +
    'or an in-cluster generator. Development presets may generate literals, so the finding is ' +
    'a warning unless the environment is production. Heuristics: a Secret with non-empty ' +
    '`data`/`stringData`; a ConfigMap key, env var or command-line flag whose name ends with ' +
    'password, passwd, passphrase, secret, token, api key, access key, secret key, private key ' +
    'or credential(s) and whose value is a non-empty literal. References (`valueFrom`, ' +
    '`$(VAR)`, `${VAR}`), empty values, booleans and absolute paths are not literals.',
  remediation:
    'Reference a Secret created outside the manifests (`valueFrom.secretKeyRef`, a mounted ' +
    'secret volume or `$(VAR)` from such an env var) instead of writing the value.',
  check(obj) {
    if (obj.kind === 'Secret') {
      return secretData(obj);
    }
    if (obj.kind === 'ConfigMap') {
      return configMapData(obj);
    }
    return workloadViolations(obj);
  },
});
