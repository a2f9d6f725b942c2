/** A DNS-1123 label (at most 63 characters): namespaces, Services, most object names. */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 subdomain (at most 253 characters): Secrets, ServiceAccounts, CRDs. */
export const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: string): boolean {
  return DNS_LABEL.test(value);
}

/**
 * One problem with a construct's props, in the house template: "`path` what is wrong (got ...).
 * How to fix." `got` is shown as given (quote strings yourself: `"admin"`); leave it `undefined`
 * where the value adds nothing.
 */
export function propProblem(
  path: string,
  what: string,
  got: string | undefined,
  fix: string,
): string {
  return `\`${path}\` ${what}${got === undefined ? '' : ` (got ${got})`}. ${fix}`;
}

/**
 * Throws one error listing every problem of a construct's props, so that a user fixes them all in
 * one go. One problem reads `what: problem`; several are listed one per line.
 */
export function throwIfProblems(what: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${what}: ${problems.length === 1 ? problems[0] : `\n- ${problems.join('\n- ')}`}`,
    );
  }
}

function parsedUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** An `https://` URL with a host. */
export function isHttpsUrl(value: string): boolean {
  const url = parsedUrl(value);
  return url?.protocol === 'https:' && url.host !== '';
}

/** An `http://` or `https://` URL with a host. */
export function isHttpUrl(value: string): boolean {
  const url = parsedUrl(value);
  return (url?.protocol === 'https:' || url?.protocol === 'http:') && url.host !== '';
}
