import { asList, asRecord, asString, field, item } from '../../core/access';
import { defineRule } from '../../core/define';
import { KubeObject, RuleViolation } from '../../core/types';
import { annotationsOf, containersOf } from './credential-places';
import {
  isCredentialName,
  isLiteralCredentialValue,
  isPasswordHash,
} from './credential-heuristics';
import { findCredentialsInText, TextCredential } from './text-credentials';

// Never echo the value itself: the report is printed in CI logs.
const FOUND = 'a literal value';

const SECRET_FIX =
  'Create this Secret outside the manifests (operator-managed, Pulumi secret config or ' +
  'an in-cluster generator) and keep only references to it in the output.';

const URL_FIX =
  'Keep the password out of the URL: give the program the password from a Secret (an env var ' +
  'from `secretKeyRef`, expanded as `$(VAR)` in the URL, or a mounted file it reads).';

const HEADER_FIX =
  'Keep the header value in a Secret and let the program or proxy read it from there (an env ' +
  'var from `secretKeyRef` or a mounted file).';

const CONFIG_FIX =
  'Keep the value in a Secret: mount the whole file from a Secret instead of a ConfigMap, or ' +
  'have the program read this value from an env var filled from `secretKeyRef`.';

function secretData(obj: KubeObject): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const key of ['data', 'stringData']) {
    for (const [name, value] of Object.entries(asRecord(obj[key]) ?? {})) {
      if (typeof value === 'string' ? value !== '' : value !== null && value !== undefined) {
        violations.push({
          path: field(key, name),
          problem: 'is a credential written into the manifest',
          found: FOUND,
          fix: SECRET_FIX,
        });
      }
    }
  }
  return violations;
}

/**
 * A key that names a credential and holds a literal (a password hash is left to
 * `platform/password-hashes`).
 */
function isLiteralUnderName(name: string, value: unknown): boolean {
  return (
    isCredentialName(name) &&
    isLiteralCredentialValue(value) &&
    !(typeof value === 'string' && isPasswordHash(value))
  );
}

/** Findings for the credentials inside one text value, at `path`. */
function textViolations(
  path: string,
  text: string,
  configFile: boolean,
  fallbackFix?: string,
): RuleViolation[] {
  const multiLine = text.trim().includes('\n');
  return findCredentialsInText(text, { configFile }).map((c: TextCredential) => {
    const where = multiLine ? ` on line ${c.line}` : '';
    switch (c.kind) {
      case 'connection-string':
        return {
          path,
          problem: `holds a ${c.name} connection string with a literal password${where}`,
          found: FOUND,
          fix: URL_FIX,
        };
      case 'authorization':
        return {
          path,
          problem: `holds a literal \`Authorization: ${c.name}\` credential${where}`,
          found: FOUND,
          fix: HEADER_FIX,
        };
      default:
        return {
          path,
          problem: `holds a literal credential for ${c.name}${where}`,
          found: FOUND,
          ...(fallbackFix === undefined ? {} : { fix: fallbackFix }),
        };
    }
  });
}

/** A JSON object written as text, or `undefined`. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trim().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return asRecord(parsed);
  } catch {
    return undefined;
  }
}

/** The keys inside a JSON document that name a credential and hold a literal, as dotted paths. */
function credentialLeaves(doc: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(doc).flatMap(([key, value]) => {
    const at = prefix ? `${prefix}.${key}` : key;
    const inner = asRecord(value);
    if (inner) return credentialLeaves(inner, at);
    return isLiteralUnderName(key, value) ? [at] : [];
  });
}

function configMapData(obj: KubeObject): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const [name, value] of Object.entries(asRecord(obj.data) ?? {})) {
    const path = field('data', name);
    // A JSON document under a credential-like key (KServe's `credentials` names the keys it
    // reads from Secrets) is judged by what it holds, not by its name.
    const doc = typeof value === 'string' ? jsonObject(value) : undefined;
    if (doc && isCredentialName(name)) {
      for (const leaf of credentialLeaves(doc)) {
        violations.push({
          path,
          problem: `holds a credential literal at \`${leaf}\` of its JSON`,
          found: FOUND,
          fix: CONFIG_FIX,
        });
      }
    } else if (isLiteralUnderName(name, value)) {
      violations.push({
        path,
        problem: 'looks like a credential stored in a ConfigMap',
        found: FOUND,
      });
    } else if (typeof value === 'string') {
      violations.push(...textViolations(path, value, true, CONFIG_FIX));
    }
  }
  return violations;
}

/** `[namespace/]name` of a Secret: what annotations ending in `secret` usually hold. */
const SECRET_NAME =
  /^(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\/)?[a-z0-9](?:[-.a-z0-9]{0,251}[a-z0-9])?$/;

/**
 * True when an annotation names a Secret rather than holding one:
 * `nginx.ingress.kubernetes.io/auth-secret: basic-auth`, `auth-tls-secret: ingress/ca`.
 */
function isSecretReference(name: string, value: unknown): boolean {
  return /secrets?$/i.test(name) && typeof value === 'string' && SECRET_NAME.test(value.trim());
}

/** Annotations named like a credential, and credentials inside annotation values. */
function annotationViolations(obj: KubeObject): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const { path, key, value } of annotationsOf(obj)) {
    // `example.com/db-password`: the name is what follows the prefix.
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (isLiteralUnderName(name, value) && !isSecretReference(name, value)) {
      violations.push({
        path,
        problem: 'holds a credential in an annotation',
        found: FOUND,
        fix:
          'Annotations are readable by anyone who can read the object: keep the value in a ' +
          'Secret and annotate with its name at most.',
      });
    } else if (typeof value === 'string') {
      violations.push(...textViolations(path, value, true));
    }
  }
  return violations;
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
      if (isLiteralUnderName(name, value)) {
        violations.push({
          path: item(path, index),
          problem: `passes a literal credential to ${name}`,
          found: FOUND,
        });
        return;
      }
    }
    const previous = args[index - 1];
    const isFlagValue =
      typeof previous === 'string' &&
      /^--?[A-Za-z0-9_.-]+$/.test(previous) &&
      isCredentialName(previous) &&
      !arg.startsWith('-');
    if (isFlagValue && isLiteralUnderName(previous, arg)) {
      violations.push({
        path: item(path, index),
        problem: `passes a literal credential to ${previous}`,
        found: FOUND,
      });
      return;
    }
    // A URL, a header or a `password=` parameter inside the argument (or a script).
    violations.push(...textViolations(item(path, index), arg, false));
  });
  return violations;
}

function workloadViolations(obj: KubeObject): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const c of containersOf(obj)) {
    const envPath = field(c.path, 'env');
    asList(c.container.env).forEach((entry, index) => {
      const env = asRecord(entry);
      const name = asString(env?.name);
      const path = field(item(envPath, index), 'value');
      if (name !== undefined && isLiteralUnderName(name, env?.value)) {
        violations.push({
          path,
          problem: `holds a literal credential for ${name}`,
          found: FOUND,
        });
      } else if (typeof env?.value === 'string') {
        violations.push(...textViolations(path, env.value, false));
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
  subject: 'object',
  title: 'No literal credentials in Secrets, ConfigMaps, annotations, env or args',
  rationale:
    'A credential typed into a manifest ends up in Git, in CI logs and in every copy of the ' +
    'output. Production values come from a Secret the operator manages, Pulumi secret config ' +
    'or an in-cluster generator. Development presets may generate literals, so the finding is ' +
    'a warning unless the environment is production. Heuristics: a Secret with non-empty ' +
    '`data`/`stringData`; a ConfigMap key, annotation, env var or command-line flag whose name ' +
    'ends with password, passwd, pwd, passphrase, secret, token, api key, access key, secret ' +
    'key, private key or credential(s) and whose value is a non-empty literal; inside ' +
    'ConfigMap values, annotations, env values and arguments, a URL with a password ' +
    '(`postgres://user:secret@db`), an `Authorization: Basic` or `Bearer` header and ' +
    '`password=` parameters; inside ConfigMap values and annotations, also config file lines ' +
    'such as `password: x` or `PASSWORD=x` (YAML, INI, properties, .env, JSON). References ' +
    '(`valueFrom`, `$(VAR)`, `${VAR}`, `$VAR`), templates (`{{ ... }}`), placeholders, empty ' +
    'values, booleans and absolute paths are not literals; password hashes are left to ' +
    '`platform/password-hashes`.',
  remediation:
    'Reference a Secret created outside the manifests (`valueFrom.secretKeyRef`, a mounted ' +
    'secret volume or `$(VAR)` from such an env var) instead of writing the value.',
  check(obj) {
    const own =
      obj.kind === 'Secret'
        ? secretData(obj)
        : obj.kind === 'ConfigMap'
          ? configMapData(obj)
          : workloadViolations(obj);
    return [...own, ...annotationViolations(obj)];
  },
});
