import { Duration } from 'cdk8s';
import { propProblem } from './validation';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * A duration as Go's `time.ParseDuration` reads it, in the largest whole unit: `2160h`, `90m`,
 * `45s`, `1500ms`. Dex's config, oauth2-proxy's flags and cert-manager's `duration` and
 * `renewBefore` are all read this way.
 * @see https://pkg.go.dev/time#ParseDuration
 */
export function goDuration(d: Duration): string {
  const ms = d.toMilliseconds();
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The problem with `d` (the prop at `path`) when it is not a positive whole number of seconds;
 * `undefined` when it is, or when it is not set.
 */
export function durationProblem(
  path: string,
  d: Duration | undefined,
  fix = 'Use a duration such as Duration.hours(24).',
): string | undefined {
  if (d === undefined) return undefined;
  const ms = d.toMilliseconds();
  if (ms > 0 && ms % 1000 === 0) return undefined;
  return propProblem(path, 'is not a positive whole number of seconds', `${ms / 1000}s`, fix);
}
