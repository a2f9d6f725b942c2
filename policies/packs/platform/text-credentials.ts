import {
  isCredentialName,
  isLiteralCredentialValue,
  isPasswordHash,
  lineFinder,
} from './credential-heuristics';

/**
 * Credentials inside free text: a config file held by a ConfigMap, an annotation, an env value
 * or an argument. Every pattern has bounded quantifiers and is anchored on a literal (`://`,
 * `authorization`, `=`), so a hostile megabyte of text is scanned in linear time.
 */

export type TextCredentialKind = 'connection-string' | 'authorization' | 'assignment';

/** One credential found in a text. The value itself is never kept. */
export interface TextCredential {
  readonly kind: TextCredentialKind;
  /** 1-based line within the text. */
  readonly line: number;
  /**
   * The key or parameter for assignments (`password`, `spring.datasource.password`), the URL
   * scheme for connection strings (`postgres`), the scheme for headers (`Basic`).
   */
  readonly name: string;
}

export interface TextScanOptions {
  /**
   * Also read `key: value` and `key = value` lines the way config files write them (YAML, INI,
   * properties, .env, TOML, pretty or minified JSON). For ConfigMap values and annotations, not
   * for env values and arguments (there `key=value` parameters are still read).
   */
  readonly configFile?: boolean;
}

/** `scheme://user:password@host`: any scheme (postgres, mysql, mongodb+srv, redis, amqp, https). */
const URL_WITH_PASSWORD =
  /\b[A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/[^\s:@/?#"'`<>]{0,256}:([^\s@/?#"'`<>]{1,256})@(?=[^\s@/?#])/g;

/** The Go MySQL driver's DSN: `user:password@tcp(host:3306)/db`. */
const GO_DSN = /(?<=^|[\s"'=])[^\s:@/"'=]{1,256}:([^\s@/"']{1,256})@(?:tcp|tcp6|udp|unix)\(/g;

/**
 * `Authorization: Basic <base64>` or `Bearer <token>`, also as nginx writes it
 * (`proxy_set_header Authorization "Basic ..."`) and in JSON (`"Authorization": "Basic ..."`).
 */
const AUTHORIZATION =
  /\bauthorization["']?[ \t]{0,8}[:=]?[ \t]{0,8}["']?[ \t]{0,8}(basic|bearer)[ \t]{1,8}([A-Za-z0-9._~+/-]{4,4096}=*)/gi;

/**
 * `name=value` parameters inside a line: a libpq or JDBC connection string
 * (`host=db password=x`, `;password=x`, `?password=x`), `-Dspring.datasource.password=x` in
 * `JAVA_OPTS`, `PASSWORD=x` in a script.
 */
const PARAMETER =
  /(?<=^|[\s;?&,"'])-{0,2}([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})=("[^"\n]{0,256}"|'[^'\n]{0,256}'|[^\s;&,"'`]{1,256})/g;

/** A config file line: `password: x`, `- password: x`, `"password": "x",`, `export PASSWORD=x`. */
const ASSIGNMENT_LINE =
  /^[ \t]*(?:-[ \t]+)?(?:export[ \t]+)?(["']?)([A-Za-z0-9_][A-Za-z0-9_.[\]-]{0,127})\1[ \t]*[:=][ \t]*(.*)$/gm;

/** `"key": "value"` pairs anywhere in a line: minified JSON. */
const JSON_PAIR =
  /"([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"[ \t]{0,16}:[ \t]{0,16}"((?:[^"\\\n]|\\.){0,1024})"/g;

/** Values that open a nested block or say "nothing": the credential, if any, is elsewhere. */
const NOT_A_VALUE = new Set([
  '|',
  '|-',
  '|+',
  '>',
  '>-',
  '>+',
  '{',
  '[',
  '{}',
  '[]',
  'null',
  'nil',
  'none',
  '~',
  '""',
  "''",
]);

/** The value of an assignment, without quotes, trailing comment or separator. */
function assignedValue(raw: string): string {
  const value = raw.trim();
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    return end < 0 ? value.slice(1) : value.slice(1, end);
  }
  // A YAML or shell comment (` # ...`) or an INI one (` ; ...`) ends the value.
  const comment = /[ \t][#;]/.exec(value);
  const bare = comment === null ? value : value.slice(0, comment.index);
  return bare.replace(/[,;]$/, '').trim();
}

/** A duration (`24h`, `1h30m`, `500ms`): a setting about tokens (Dex's `idTokens: 24h`). */
const DURATION = /^(?:\d{1,9}(?:\.\d{1,9})?(?:ns|us|µs|ms|s|m|h|d|w)){1,6}$/;

/**
 * True when text assigned to a credential name is a secret written out: not a reference, a
 * placeholder, a structure, an anchor or alias, a tag, a shell expansion (`$(cat file)`,
 * `` `cmd` ``, `$VAR`), a duration or a password hash (the password-hashes rule reports those).
 */
function isSecretText(value: string): boolean {
  const text = value.trim();
  if (NOT_A_VALUE.has(text.toLowerCase()) || /^[&*!$`]/.test(text) || DURATION.test(text)) {
    return false;
  }
  return isLiteralCredentialValue(text) && !isPasswordHash(text);
}

/** True when a URL password is written out (not `${DB_PASSWORD}`, `$(PASSWORD)` or `<password>`). */
function isLiteralPassword(password: string): boolean {
  return isLiteralCredentialValue(password) && !/^[$%]/.test(password);
}

/** A Basic credential is base64 of `user:password`; anything else is a placeholder or prose. */
function isBasicCredential(token: string): boolean {
  if (!/^[A-Za-z0-9+/]+=*$/.test(token)) {
    return false;
  }
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  return /^[^\s:]{0,256}:[^\s]{1,1024}$/.test(decoded) && !decoded.includes('\uFFFD');
}

/** A comment line of a config file: `# ...`, `; ...`, `// ...`. */
const COMMENT_LINE = /^[ \t]*(?:#|;|\/\/)/;

/** Finds the credentials written into a text, at most one per line, kind and name. */
export function findCredentialsInText(
  text: string,
  options: TextScanOptions = {},
): TextCredential[] {
  const configFile = options.configFile === true;
  let finder: ((offset: number) => number) | undefined;
  const found = new Map<string, TextCredential>();
  const commentLines = new Map<number, boolean>();
  const add = (kind: TextCredentialKind, offset: number, name: string): void => {
    finder ??= lineFinder(text);
    const line = finder(offset);
    if (configFile) {
      // Commented-out examples (`# password: changeme`) are documentation, not configuration.
      let comment = commentLines.get(line);
      if (comment === undefined) {
        const start = text.lastIndexOf('\n', offset - 1) + 1;
        comment = COMMENT_LINE.test(text.slice(start, start + 256));
        commentLines.set(line, comment);
      }
      if (comment) {
        return;
      }
    }
    const key = `${line}\n${kind}\n${name.toLowerCase()}`;
    if (!found.has(key)) {
      found.set(key, { kind, line, name });
    }
  };
  if (text.includes('://')) {
    for (const match of text.matchAll(URL_WITH_PASSWORD)) {
      if (isLiteralPassword(match[1] ?? '')) {
        add('connection-string', match.index, match[0].slice(0, match[0].indexOf(':')));
      }
    }
  }
  if (text.includes('@')) {
    for (const match of text.matchAll(GO_DSN)) {
      if (isLiteralPassword(match[1] ?? '')) {
        add('connection-string', match.index, 'dsn');
      }
    }
  }
  if (/authorization/i.test(text)) {
    for (const match of text.matchAll(AUTHORIZATION)) {
      const scheme = (match[1] ?? '').toLowerCase();
      const token = match[2] ?? '';
      if (scheme === 'basic' ? isBasicCredential(token) : token.length >= 16) {
        add('authorization', match.index, scheme === 'basic' ? 'Basic' : 'Bearer');
      }
    }
  }
  if (text.includes('=')) {
    for (const match of text.matchAll(PARAMETER)) {
      const [, name = '', raw = ''] = match;
      if (isCredentialName(name) && isSecretText(assignedValue(raw))) {
        add('assignment', match.index, name);
      }
    }
  }
  if (configFile) {
    for (const match of text.matchAll(ASSIGNMENT_LINE)) {
      const [, , name = '', raw = ''] = match;
      if (isCredentialName(name) && isSecretText(assignedValue(raw))) {
        add('assignment', match.index, name);
      }
    }
    for (const match of text.matchAll(JSON_PAIR)) {
      const [, name = '', value = ''] = match;
      if (isCredentialName(name) && isSecretText(value)) {
        add('assignment', match.index, name);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}
