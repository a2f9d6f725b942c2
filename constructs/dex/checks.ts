import { dexPasswordSecretName } from './names';
import { envFragment } from './private/util';

/**
 * One problem with an entry of a list (connectors, static users), in the parts of the house
 * message: "`path` what (got "got"). fix". The Dex construct and the environment file's rules
 * report the same checks, each with its own paths.
 */
export interface DexListProblem {
  /** Index of the entry in the list. */
  readonly index: number;
  /** Path of the field, e.g. `identity.dex.connectors[1].id`. */
  readonly path: string;
  /** What is wrong, e.g. `repeats identity.dex.connectors[0]`. */
  readonly what: string;
  /** The value found; `undefined` where it must not be shown (a password hash). */
  readonly got?: string;
  /** How to fix it. */
  readonly fix: string;
}

/** The path of list entry `index`, e.g. `(i) => \`identity.dex.connectors[${i}]\``. */
export type DexEntryPath = (index: number) => string;

/** The ID of Dex's password database in the list of connectors; no connector may take it. */
export const DEX_PASSWORD_DB_CONNECTOR_ID = 'local';

/**
 * Problems of connector IDs: `local`, which Dex's password database takes, and IDs that repeat an
 * earlier one. Other checks of an ID (a DNS label) are the schema's.
 */
export function dexConnectorIdProblems(
  ids: readonly string[],
  at: DexEntryPath = (i) => `connectors[${i}]`,
): DexListProblem[] {
  const problems: DexListProblem[] = [];
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id === DEX_PASSWORD_DB_CONNECTOR_ID) {
      problems.push({
        index: i,
        path: `${at(i)}.id`,
        what: "is taken by Dex's password database",
        got: id,
        fix: 'Choose another ID, such as corporate-sso.',
      });
    }
    const earlier = first.get(id);
    if (earlier !== undefined) {
      problems.push({
        index: i,
        path: `${at(i)}.id`,
        what: `repeats ${at(earlier)}`,
        got: id,
        fix: 'Give every connector its own ID.',
      });
    } else {
      first.set(id, i);
    }
  });
  return problems;
}

/** What the static-user checks read of a user: its email and where its password comes from. */
export interface DexStaticUserFacts {
  readonly email: string;
  readonly password: { readonly type: 'hash' | 'secret' | 'generated' };
}

export interface DexStaticUserCheckOptions {
  /** @default (i) => `staticUsers[${i}]` */
  readonly at?: DexEntryPath;
  /**
   * A production environment: a `passwordHash` would be written into the output (a Secret with the
   * hash), so it is refused in favour of `passwordSecret`.
   * @default false
   */
  readonly production?: boolean;
}

/**
 * Problems of static users: an email listed twice (emails compare without case); two emails that
 * make the same environment variable (`DEX_USER_<EMAIL>_...`) or Secret name
 * (`dexPasswordSecretName`), such as `a.b@example.com` and `a-b@example.com`; and in production a
 * `passwordHash`, which would put the hash into the output.
 */
export function dexStaticUserProblems(
  users: readonly DexStaticUserFacts[],
  opts: DexStaticUserCheckOptions = {},
): DexListProblem[] {
  const at = opts.at ?? ((i: number) => `staticUsers[${i}]`);
  const problems: DexListProblem[] = [];
  const byEmail = new Map<string, number>();
  const byEnv = new Map<string, number>();
  const bySecret = new Map<string, number>();
  users.forEach((u, i) => {
    const email = u.email.toLowerCase();
    const env = envFragment(u.email);
    const secret = dexPasswordSecretName(u.email);
    const duplicate = byEmail.get(email);
    const sameEnv = byEnv.get(env);
    const sameSecret = bySecret.get(secret);
    if (duplicate !== undefined) {
      problems.push({
        index: i,
        path: `${at(i)}.email`,
        what: `repeats ${at(duplicate)}`,
        got: u.email,
        fix: 'List each user once; emails are compared without regard to case.',
      });
    } else if (sameEnv !== undefined || sameSecret !== undefined) {
      problems.push({
        index: i,
        path: `${at(i)}.email`,
        what:
          sameEnv !== undefined
            ? `collides with ${at(sameEnv)} in the environment variable DEX_USER_${env}_*`
            : `collides with ${at(sameSecret ?? 0)} in the Secret name ${secret}`,
        got: u.email,
        fix: 'Use emails that differ in letters or digits, not only in punctuation.',
      });
    }
    if (!byEmail.has(email)) byEmail.set(email, i);
    if (!byEnv.has(env)) byEnv.set(env, i);
    if (!bySecret.has(secret)) bySecret.set(secret, i);
    if (opts.production && u.password.type === 'hash') {
      problems.push({
        index: i,
        path: `${at(i)}.passwordHash`,
        what: 'would be written into the output, which production refuses',
        fix: "Put the hash into a Secret in Dex's namespace and reference it with passwordSecret instead.",
      });
    }
  });
  return problems;
}

/** A problem as one message in the house template. */
export function formatDexProblem(p: DexListProblem): string {
  return `\`${p.path}\` ${p.what}${p.got === undefined ? '' : ` (got "${p.got}")`}. ${p.fix}`;
}
