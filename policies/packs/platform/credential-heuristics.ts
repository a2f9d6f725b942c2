/**
 * How the credential rules decide that a key holds a secret. Tuned for few false positives: a
 * name counts only when it *ends* with a credential word, so `PASSWORD` and `minio.secretKey`
 * match while `secretName`, `tokenUrl` or `PASSWORD_FILE` (which point at a credential instead
 * of holding it) do not.
 */

/** Credential words, compared with the name lower-cased and stripped of separators. */
const CREDENTIAL_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'credential',
  'credentials',
];

/**
 * Abbreviations that count only as a whole last word (`pwd`, `db-pwd`, `dbPwd`): as a suffix of
 * a longer word they would match too much.
 */
const CREDENTIAL_WORDS = ['pwd'];

/** The shell's working-directory variables, upper-case by convention: not passwords. */
const SHELL_VARIABLES = new Set(['PWD', 'OLDPWD']);

/**
 * After these words, `secret` names a Kubernetes Secret that holds the credential
 * (`passwordSecret: db-creds`, `existingSecret: minio`, `inject-ca-from-secret: ns/name`), not
 * the credential itself. Kept short: `accessKeySecret` and `tokenSecret` are credentials in some
 * APIs (Alibaba Cloud, OAuth 1).
 */
const SECRET_REFERENCE_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'credential',
  'credentials',
  'existing',
  'from',
];

/** Trailing words that describe an encoding of the same value, not a different thing. */
const TRAILING_NOISE = ['value', 'data', 'pem', 'b64', 'base64', 'string', 'plain', 'plaintext'];

/** Words split on separators and camelCase: `minioRootPassword` -> minio, root, password. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** True when a key, variable or flag name looks like it holds a credential. */
export function isCredentialName(name: string): boolean {
  if (SHELL_VARIABLES.has(name)) {
    return false;
  }
  const parts = words(name);
  while (parts.length > 1 && TRAILING_NOISE.includes(parts[parts.length - 1] ?? '')) {
    parts.pop();
  }
  const last = parts[parts.length - 1] ?? '';
  if (CREDENTIAL_WORDS.includes(last)) {
    return true;
  }
  if (
    (last === 'secret' || last === 'secrets') &&
    SECRET_REFERENCE_WORDS.includes(parts[parts.length - 2] ?? '')
  ) {
    return false;
  }
  const compact = parts.join('');
  return CREDENTIAL_ENDINGS.some(
    (ending) => compact.endsWith(ending + 's') || compact.endsWith(ending),
  );
}

/** `$(VAR)` is expanded by the kubelet, `${VAR}`/`$VAR` by a shell: both are references. */
const REFERENCE =
  /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|^\$[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Stand-ins that hold no secret: an unrendered template (`{{ .Values.password }}`,
 * `{{ getenv "X" }}`), a `<placeholder>`, a printf verb and a masked `****`.
 */
const PLACEHOLDER = /^(?:\{\{[^\n]*\}\}|<[^<>\n]*>|%[sdv]|%\([A-Za-z_][A-Za-z0-9_]*\)s|\*{3,})$/;

/**
 * True when a value is a literal that could be a credential: non-empty, not a variable
 * reference or placeholder, not a boolean and not an absolute path (a path names a mounted
 * file).
 */
export function isLiteralCredentialValue(value: unknown): boolean {
  if (typeof value === 'number') {
    return true;
  }
  if (typeof value !== 'string') {
    return false;
  }
  const text = value.trim();
  if (text === '' || REFERENCE.test(text) || PLACEHOLDER.test(text) || text.startsWith('/')) {
    return false;
  }
  return !['true', 'false'].includes(text.toLowerCase());
}

/** A password hash format: what it is called in a finding, and how to find it in text. */
export interface PasswordHashFormat {
  /** Rendered into findings as `got <label>`; the hash itself is never printed. */
  readonly label: string;
  /** Global pattern; bounded quantifiers only, so that hostile input stays linear. */
  readonly pattern: RegExp;
}

// Alphabets: crypt(3) uses ./0-9A-Za-z, PHC strings (Argon2, scrypt) standard base64 unpadded.
const CRYPT64 = '[./A-Za-z0-9]';
const B64 = '[A-Za-z0-9+/]';

/**
 * Password hash formats worth flagging: what htpasswd, Dex, LDAP, Django, Werkzeug and Jupyter
 * write. A hash is not the password, but it can be cracked offline, and whoever can change it
 * can log in: it belongs in a Secret like the password it stands for.
 */
export const PASSWORD_HASH_FORMATS: readonly PasswordHashFormat[] = [
  { label: 'a bcrypt hash', pattern: new RegExp(`\\$2[abxy]?\\$\\d\\d\\$${CRYPT64}{53}`, 'g') },
  {
    label: 'an Argon2 hash',
    pattern: new RegExp(
      `\\$argon2(?:id|i|d)\\$(?:v=\\d{1,3}\\$)?m=\\d{1,10},t=\\d{1,10},p=\\d{1,3}\\$${B64}{8,256}\\$${B64}{16,512}`,
      'g',
    ),
  },
  {
    label: 'a scrypt hash',
    pattern: new RegExp(`\\$scrypt\\$[a-z0-9=,]{1,64}\\$${B64}{8,256}\\$${B64}{16,512}`, 'g'),
  },
  {
    label: 'a yescrypt hash',
    pattern: new RegExp(`\\$y\\$${CRYPT64}{1,64}\\$${CRYPT64}{1,128}\\$${CRYPT64}{43}`, 'g'),
  },
  {
    label: 'a SHA-crypt hash',
    pattern: new RegExp(
      `\\$[56]\\$(?:rounds=\\d{1,10}\\$)?${CRYPT64}{1,16}\\$(?:${CRYPT64}{86}|${CRYPT64}{43})(?!${CRYPT64})`,
      'g',
    ),
  },
  {
    label: 'an MD5-crypt hash',
    pattern: new RegExp(`\\$(?:1|apr1)\\$${CRYPT64}{1,8}\\$${CRYPT64}{22}`, 'g'),
  },
  {
    label: 'an LDAP password hash',
    pattern: new RegExp(
      `\\{(?:SSHA|SHA|SSHA256|SSHA384|SSHA512|SHA256|SHA384|SHA512|SMD5|MD5|PBKDF2(?:-SHA\\d{1,3})?)\\}${B64}{16,512}={0,2}`,
      'g',
    ),
  },
  {
    label: 'a PBKDF2 hash',
    pattern: new RegExp(
      `pbkdf2_sha(?:1|256|512)\\$\\d{1,10}\\$[A-Za-z0-9]{1,128}\\$${B64}{20,512}={0,2}|pbkdf2:sha(?:1|256|512)(?::\\d{1,10})?\\$[A-Za-z0-9]{1,128}\\$[0-9a-f]{40,128}`,
      'g',
    ),
  },
  {
    label: 'a Jupyter password hash',
    pattern: /\bsha1:[0-9a-f]{12}:[0-9a-f]{40}\b/g,
  },
];

/** One password hash found in a text, with its 1-based line. */
export interface PasswordHashMatch {
  readonly label: string;
  readonly line: number;
}

/** The 1-based line of each offset in a text, found by binary search over its line starts. */
export function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if ((starts[mid] ?? 0) <= offset) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low + 1;
  };
}

/** Every password hash in a text (a config file, an annotation, an env value), in text order. */
export function findPasswordHashes(text: string): PasswordHashMatch[] {
  const matches: { label: string; index: number }[] = [];
  for (const { label, pattern } of PASSWORD_HASH_FORMATS) {
    for (const match of text.matchAll(pattern)) {
      matches.push({ label, index: match.index });
    }
  }
  if (matches.length === 0) {
    return [];
  }
  const lineOf = lineFinder(text);
  return matches
    .sort((a, b) => a.index - b.index)
    .map(({ label, index }) => ({ label, line: lineOf(index) }));
}

/** The formats anchored at both ends, for values that must be one hash and nothing else. */
const WHOLE_HASH = PASSWORD_HASH_FORMATS.map(
  ({ pattern }) => new RegExp(`^(?:${pattern.source})$`),
);

/** True when a value is one password hash and nothing else (`hash: "$2y$10$..."`). */
export function isPasswordHash(value: string): boolean {
  const text = value.trim();
  return WHOLE_HASH.some((pattern) => pattern.test(text));
}
