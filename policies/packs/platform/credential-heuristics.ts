/**
 * How the literal-credentials rule decides that a key holds a secret. Tuned for few false
 * positives: a name counts only when it *ends* with a credential word, so `PASSWORD` and
 * `minio.secretKey` match while `secretName`, `tokenUrl` or `PASSWORD_FILE` (which point at a
 * credential instead of holding it) do not.
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
  const parts = words(name);
  while (parts.length > 1 && TRAILING_NOISE.includes(parts[parts.length - 1] ?? '')) {
    parts.pop();
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
 * True when a value is a literal that could be a credential: non-empty, not a variable
 * reference, not a boolean and not an absolute path (a path names a mounted file).
 */
export function isLiteralCredentialValue(value: unknown): boolean {
  if (typeof value === 'number') {
    return true;
  }
  if (typeof value !== 'string') {
    return false;
  }
  const text = value.trim();
  if (text === '' || REFERENCE.test(text) || text.startsWith('/')) {
    return false;
  }
  return !['true', 'false'].includes(text.toLowerCase());
}
