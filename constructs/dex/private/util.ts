/** A key inside a Secret. @internal */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** `s` as an environment variable name fragment: upper case, `_` for anything else. @internal */
export function envFragment(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `s` as part of a Kubernetes object name: lower case, `-` for runs of anything else. @internal */
export function nameFragment(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
