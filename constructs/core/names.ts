import { createHash } from 'node:crypto';

/** Longest name of a Job, Service or Namespace (a DNS label; a Job's name is also a label value). */
export const MAX_LABEL_NAME = 63;
/** Longest name of most other kinds (a DNS subdomain): Secrets, ServiceAccounts, Roles. */
export const MAX_SUBDOMAIN_NAME = 253;

/** Hex digits of the hash a shortened name ends with. */
const HASH_LENGTH = 8;

export interface BoundedNameOptions {
  /**
   * The longest name the kind allows.
   * @default MAX_LABEL_NAME
   */
  readonly max?: number;
}

/** `s` as a name part: lower case, `-` for each run of anything but letters and digits. */
function namePart(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * An object name made of `parts` that is valid whatever they hold: each part lower-cased, with
 * `-` for anything but letters and digits, joined by `-`. A name longer than `max` is cut and
 * ends with `-` and a hash of the parts as given, so it stays unique and the same on every run.
 * The result is a DNS label when `max` is at most 63 and a DNS subdomain otherwise; it may start
 * with a digit, which a Service name must not. Inputs that differ only in case or punctuation
 * share a name unless it was shortened: check such collisions where the inputs come in.
 *
 * ```ts
 * boundedName(['dex-password', 'admin@example.com']); // 'dex-password-admin-example-com'
 * boundedName(['dex-password', longEmail, 'generator']); // 'dex-password-...-3f9a1c2e', 63 characters
 * ```
 */
export function boundedName(parts: readonly string[], opts: BoundedNameOptions = {}): string {
  const max = opts.max ?? MAX_LABEL_NAME;
  if (!Number.isInteger(max) || max < HASH_LENGTH + 2 || max > MAX_SUBDOMAIN_NAME) {
    throw new Error(
      `boundedName: max must be a whole number from ${HASH_LENGTH + 2} to ${MAX_SUBDOMAIN_NAME} (got ${max}).`,
    );
  }
  const name = parts.map(namePart).filter(Boolean).join('-');
  if (name && name.length <= max) return name;
  // A separator no part can hold, so that ['a-b'] and ['a', 'b'] hash apart.
  const hash = createHash('sha256')
    .update(parts.join('\u0000'))
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const head = name.slice(0, max - HASH_LENGTH - 1).replace(/-+$/, '');
  return head ? `${head}-${hash}` : hash;
}
