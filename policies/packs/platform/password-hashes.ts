import { asList, asRecord, field, item } from '../../core/access';
import { defineRule } from '../../core/define';
import { KubeObject, RuleViolation } from '../../core/types';
import { annotationsOf, containersOf } from './credential-places';
import { findPasswordHashes } from './credential-heuristics';

/** Findings for every password hash in one text value, at `path`. */
function hashViolations(path: string, value: unknown, fix?: string): RuleViolation[] {
  if (typeof value !== 'string') {
    return [];
  }
  const multiLine = value.trim().includes('\n');
  return findPasswordHashes(value).map(({ label, line }) => ({
    path,
    problem: `holds a password hash${multiLine ? ` on line ${line}` : ''}`,
    found: label,
    ...(fix === undefined ? {} : { fix }),
  }));
}

function configMapViolations(obj: KubeObject): RuleViolation[] {
  return Object.entries(asRecord(obj.data) ?? {}).flatMap(([name, value]) =>
    hashViolations(field('data', name), value),
  );
}

function annotationViolations(obj: KubeObject): RuleViolation[] {
  return annotationsOf(obj).flatMap(({ path, value }) =>
    hashViolations(
      path,
      value,
      'Annotations are readable by anyone who can read the object: keep the hash in a Secret.',
    ),
  );
}

function containerViolations(obj: KubeObject): RuleViolation[] {
  return containersOf(obj).flatMap((c) => [
    ...asList(c.container.env).flatMap((entry, index) =>
      hashViolations(field(item(field(c.path, 'env'), index), 'value'), asRecord(entry)?.value),
    ),
    ...['command', 'args'].flatMap((key) =>
      asList(c.container[key]).flatMap((arg, index) =>
        hashViolations(item(field(c.path, key), index), arg),
      ),
    ),
  ]);
}

export const passwordHashes = defineRule({
  id: 'platform/password-hashes',
  level: 'warning',
  productionLevel: 'error',
  subject: 'object',
  title: 'No password hashes in ConfigMaps, annotations, env or args',
  rationale:
    'A password hash is a credential: it can be cracked offline (a short or common password ' +
    'in minutes). In a ConfigMap or an annotation it is readable by every role that may read ' +
    'configuration, and it sits in Git and CI logs with the rest of the output. Recognised: ' +
    'bcrypt (`$2a$`, `$2b$`, `$2y$`), Argon2 (`$argon2id$`), scrypt, yescrypt, SHA-crypt ' +
    '(`$5$`, `$6$`), MD5-crypt and htpasswd (`$1$`, `$apr1$`), LDAP (`{SSHA}`, `{SHA}`, ...), ' +
    'Django and Werkzeug PBKDF2 and Jupyter (`sha1:`). Development presets may write hashes of ' +
    'generated passwords, so the finding is a warning unless the environment is production. ' +
    'Secrets are left to `platform/literal-credentials`.',
  remediation:
    'Keep the hash in a Secret (created outside the manifests or generated in the cluster) and ' +
    'let the program read it from there: mount the Secret as the file, or pass the hash in an ' +
    'env var from `secretKeyRef` (Dex: `hashFromEnv` on the static password).',
  check(obj) {
    if (obj.kind === 'Secret') {
      return [];
    }
    const own = obj.kind === 'ConfigMap' ? configMapViolations(obj) : containerViolations(obj);
    return [...own, ...annotationViolations(obj)];
  },
});
