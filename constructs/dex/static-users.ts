import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-27';
import { DexSecretRef } from './connector-options';
import { DEX_PASSWORD_HASH_KEY, DEX_PASSWORD_KEY, dexPasswordSecretName } from './names';
import { DNS_SUBDOMAIN } from '../core/validation';
import { SECRET_KEY, envFragment } from './private/util';

/** A bcrypt hash as Dex accepts it (`$2a$`, `$2b$` or `$2y$`, cost, 53 characters of salt and hash). */
export const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface StaticUserOptions {
  /** Login name shown by Dex (`username`). @default - the part of the email before "@" */
  readonly username?: string;
  /**
   * The user's ID, the `sub` claim of their tokens (`userID`). Keep it stable: it identifies the
   * user across logins.
   * @default - derived from the email (the first 32 hex digits of its SHA-256)
   */
  readonly userID?: string;
  /** Groups in the user's `groups` claim. @default [] */
  readonly groups?: readonly string[];
}

export interface GeneratedPasswordOptions extends StaticUserOptions {
  /** The Secret (in Dex's namespace) that holds the password under the key `password`. @default - `dexPasswordSecretName(email)` */
  readonly secretName?: string;
}

export interface PasswordHashOptions extends StaticUserOptions {
  /** The Secret (in Dex's namespace) made to hold the hash under the key `hash`. @default - `dexPasswordSecretName(email)` */
  readonly secretName?: string;
}

/** Where a static user's password comes from. */
export type StaticUserPassword =
  /** The given hash, in a Secret this library creates (key `hash`). */
  | { readonly type: 'hash'; readonly secretName: string }
  | { readonly type: 'secret'; readonly secret: DexSecretRef }
  | { readonly type: 'generated'; readonly secretName: string };

/** A static user's share of the Dex config and pod. @internal */
export interface RenderedStaticUser {
  /** One entry of `staticPasswords`. */
  readonly entry: Record<string, unknown>;
  readonly env: readonly k8s.EnvVar[];
}

/**
 * A user of Dex's password database (`staticPasswords`), for development and break-glass access.
 * The password never appears in the output and Dex's ConfigMap holds no hash: Dex reads the
 * bcrypt hash from a Secret (`hashFromEnv`), or hashes a password generated in the cluster at
 * startup. Plain text is refused.
 * @see https://dexidp.io/docs/connectors/local/
 */
export class StaticUser {
  /**
   * A bcrypt hash, e.g. from `htpasswd -nbBC 10 "" PASSWORD | tr -d ':\n'`, put into a Secret in
   * Dex's namespace (`secretName`, key `hash`) that Dex reads through `hashFromEnv`. The Secret is
   * part of the output, so the hash is too: production refuses it, use `passwordSecret` there.
   */
  public static passwordHash(
    email: string,
    passwordHash: string,
    opts: PasswordHashOptions = {},
  ): StaticUser {
    const secretName = opts.secretName ?? dexPasswordSecretName(email);
    const problems = [
      ...(BCRYPT_HASH.test(passwordHash)
        ? []
        : [
            `\`staticUsers[${email}].passwordHash\` is not a bcrypt hash (got a value of ${passwordHash.length} characters, not shown). Hash the password first, e.g. with htpasswd -nbBC 10 "" PASSWORD | tr -d ':\\n', or use StaticUser.passwordSecret(...).`,
          ]),
      ...secretNameProblems(email, secretName),
    ];
    // Only a valid hash is kept: a plain-text password given by mistake must not reach the output.
    return new StaticUser(
      email,
      opts,
      { type: 'hash', secretName },
      problems,
      BCRYPT_HASH.test(passwordHash) ? passwordHash : '',
    );
  }

  /** A Secret in Dex's namespace whose key holds a bcrypt hash (read through `hashFromEnv`). */
  public static passwordSecret(
    email: string,
    secret: DexSecretRef,
    opts: StaticUserOptions = {},
  ): StaticUser {
    const problems: string[] = [];
    if (!DNS_SUBDOMAIN.test(secret.name)) {
      problems.push(
        `\`staticUsers[${email}].passwordSecret.name\` is not a Secret name (got "${secret.name}"). Use the name of a Secret in Dex's namespace.`,
      );
    }
    if (!SECRET_KEY.test(secret.key)) {
      problems.push(
        `\`staticUsers[${email}].passwordSecret.key\` is not a Secret key (got "${secret.key}"). Use letters, digits, '-', '_' and '.'.`,
      );
    }
    return new StaticUser(email, opts, { type: 'secret', secret: { ...secret } }, problems);
  }

  /**
   * A password generated in the cluster once (never regenerated), for development. Dex needs a
   * bcrypt hash; the Dex image's entrypoint renders the config with gomplate at startup, which
   * hashes the password (`crypto.Bcrypt`) read from the pod's environment. Read it with
   * `kubectl -n <dex namespace> get secret <secretName> -o jsonpath='{.data.password}' | base64 -d`.
   */
  public static generatedPassword(email: string, opts: GeneratedPasswordOptions = {}): StaticUser {
    const secretName = opts.secretName ?? dexPasswordSecretName(email);
    return new StaticUser(
      email,
      opts,
      { type: 'generated', secretName },
      secretNameProblems(email, secretName),
    );
  }

  public readonly email: string;
  public readonly username: string;
  public readonly userID: string;
  public readonly groups: readonly string[];
  public readonly password: StaticUserPassword;

  private constructor(
    email: string,
    opts: StaticUserOptions,
    password: StaticUserPassword,
    private readonly passwordProblems: readonly string[],
    private readonly hash: string = '',
  ) {
    this.email = email;
    this.username = opts.username ?? email.split('@')[0];
    this.userID =
      opts.userID ?? createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    this.groups = [...(opts.groups ?? [])];
    this.password = password;
  }

  /** What is wrong with this user, each message starting with its path. @internal */
  public problems(): string[] {
    const path = `staticUsers[${this.email}]`;
    const problems: string[] = [];
    if (!EMAIL.test(this.email)) {
      problems.push(
        `\`${path}.email\` is not an email address (got "${this.email}"). Use a full address such as admin@example.com.`,
      );
    }
    const literals = [this.email, this.username, this.userID, ...this.groups];
    if (literals.some((s) => s.includes('{{') || s.includes('}}'))) {
      problems.push(
        `\`${path}\` has "{{" or "}}" in its email, username, userID or groups. The Dex config is rendered as a template at startup; remove the braces.`,
      );
    }
    if (!this.username.trim()) {
      problems.push(`\`${path}.username\` is empty (got ""). Give a login name.`);
    }
    return [...problems, ...this.passwordProblems];
  }

  /** The bcrypt hash given to `passwordHash` ("" for other sources or an invalid hash). @internal */
  public literalHash(): string {
    return this.hash;
  }

  /** The environment variable the pod passes the hash or password in. @internal */
  public envName(): string {
    const suffix = this.password.type === 'generated' ? 'PASSWORD' : 'PASSWORD_HASH';
    return `DEX_USER_${envFragment(this.email)}_${suffix}`;
  }

  /** @internal */
  public render(): RenderedStaticUser {
    const base = {
      email: this.email,
      username: this.username,
      userID: this.userID,
      ...(this.groups.length ? { groups: [...this.groups] } : {}),
    };
    const p = this.password;
    switch (p.type) {
      case 'hash':
        return {
          entry: { ...base, hashFromEnv: this.envName() },
          env: [
            {
              name: this.envName(),
              valueFrom: { secretKeyRef: { name: p.secretName, key: DEX_PASSWORD_HASH_KEY } },
            },
          ],
        };
      case 'secret':
        return {
          entry: { ...base, hashFromEnv: this.envName() },
          env: [
            {
              name: this.envName(),
              valueFrom: { secretKeyRef: { name: p.secret.name, key: p.secret.key } },
            },
          ],
        };
      case 'generated':
        return {
          // gomplate (run by the image's entrypoint) replaces this with a bcrypt hash at startup;
          // `required` stops Dex from starting with the hash of an empty password.
          entry: { ...base, hash: `{{ getenv \`${this.envName()}\` | required | crypto.Bcrypt }}` },
          env: [
            {
              name: this.envName(),
              valueFrom: { secretKeyRef: { name: p.secretName, key: DEX_PASSWORD_KEY } },
            },
          ],
        };
    }
  }
}

function secretNameProblems(email: string, secretName: string): string[] {
  return DNS_SUBDOMAIN.test(secretName)
    ? []
    : [
        `\`staticUsers[${email}].secretName\` is not a Secret name (got "${secretName}"). Use lower-case letters, digits, '-' and '.'.`,
      ];
}
