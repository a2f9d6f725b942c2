import { Duration } from 'cdk8s';

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

/**
 * A duration as Go's `time.ParseDuration` reads it, in the largest whole unit: `24h`, `90m`, `45s`.
 * @internal
 */
export function goDuration(d: Duration): string {
  const seconds = d.toSeconds();
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** A problem when `d` is not a whole, positive number of seconds. @internal */
export function durationProblem(path: string, d: Duration | undefined): string | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds();
  return ms > 0 && ms % 1000 === 0
    ? undefined
    : `\`${path}\` is not a positive whole number of seconds (got ${ms / 1000}s). Use a duration such as Duration.hours(24).`;
}
