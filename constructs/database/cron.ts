import { propProblem } from '../core/validation';

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

/** The five fields of a Kubernetes CronJob schedule (robfig/cron's standard parser). */
const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day of week',
    min: 0,
    max: 6,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  },
];

/** A value of `field`: a number in range or (month, day of week) a three-letter name. */
function value(field: CronField, text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const i = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return i < 0 ? undefined : i + field.min;
}

/** What is wrong with one element of a field's list (`*`, `*\/n`, `a`, `a-b`, `a-b/n`), if anything. */
function elementProblem(field: CronField, element: string): string | undefined {
  const [range, step, ...rest] = element.split('/');
  if (rest.length > 0) return `"${element}" has more than one "/"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) {
    return `"${element}" has a step that is not a whole number from 1`;
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2 || bounds.some((b) => b === ''))
    return `"${element}" is not a value or range`;
  const values = bounds.map((b) => value(field, b));
  if (values.some((v) => v === undefined)) {
    const named = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
    return `"${element}" is outside ${field.min}-${field.max}${named}`;
  }
  if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
    return `"${element}" is a range that ends before it starts`;
  }
  return undefined;
}

/**
 * Every problem of a CronJob schedule, in the house template, at `path`: it must be five fields
 * (minute, hour, day of month, month, day of week), each `*` or a list of values and ranges with
 * optional steps. Macros (`@daily`) and `TZ=` prefixes are refused: the time zone is a field of
 * the CronJob, and five fields say exactly when a job runs.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */
export function cronScheduleProblems(path: string, schedule: string): string[] {
  const got = `"${schedule}"`;
  if (/^(CRON_)?TZ=/.test(schedule.trim())) {
    return [
      propProblem(
        path,
        'carries a time zone, which Kubernetes rejects',
        got,
        'Set the time zone with timeZone and keep five fields here, e.g. "17 2 * * *".',
      ),
    ];
  }
  if (schedule.trim().startsWith('@')) {
    return [
      propProblem(
        path,
        'is a macro, not a five-field cron expression',
        got,
        'Write the five fields, e.g. "0 0 * * *" for @daily.',
      ),
    ];
  }
  const parts = schedule.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== FIELDS.length) {
    return [
      propProblem(
        path,
        `has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule has 5 (minute hour day-of-month month day-of-week)`,
        got,
        'Write five fields, e.g. "17 2 * * *" for 02:17 every day.',
      ),
    ];
  }
  return parts.flatMap((part, i) => {
    const field = FIELDS[i];
    const problems = part
      .split(',')
      .map((element) =>
        element === '' ? `"${part}" has an empty list element` : elementProblem(field, element),
      )
      .filter((p): p is string => p !== undefined);
    return problems.map((p) =>
      propProblem(
        path,
        `field ${i + 1} (${field.name}): ${p}`,
        got,
        `Use ${field.min}-${field.max}${field.names ? ` or names such as ${field.names[0]}` : ''}, "*", lists (a,b), ranges (a-b) and steps (*/n).`,
      ),
    );
  });
}

/** The values one field allows, and whether it is a bare `*` (robfig/cron's star bit). */
function fieldValues(field: CronField, part: string): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  for (const element of part.split(',')) {
    const [range, stepText] = element.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lo, hi] =
      range === '*'
        ? [field.min, field.max]
        : ((b) => [b[0], b[1] ?? (stepText === undefined ? b[0] : field.max)])(
            range.split('-').map((t) => value(field, t) as number),
          );
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star: part === '*' };
}

/**
 * The longest time between two runs of a valid five-field schedule, in seconds: the runs of two
 * years from a Monday, 1 January 2024 (a leap year), in UTC, as robfig/cron (the CronJob
 * controller's parser) matches them, a day matching when both day fields do, or either when
 * neither is `*`. A schedule that runs less than twice in those two years has no interval
 * (`undefined`). The time zone does not change the gaps, except around daylight-saving changes
 * by an hour.
 */
export function cronMaxIntervalSeconds(schedule: string): number | undefined {
  if (cronScheduleProblems('schedule', schedule).length > 0) {
    throw new Error(`cronMaxIntervalSeconds: not a valid schedule (got "${schedule}")`);
  }
  const parts = schedule.trim().split(/\s+/);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => fieldValues(FIELDS[i], p));
  const times: number[] = [];
  for (const h of [...hour.values].sort((a, b) => a - b)) {
    for (const m of [...minute.values].sort((a, b) => a - b)) times.push(h * 60 + m);
  }
  const start = Date.UTC(2024, 0, 1);
  const dayMs = 86_400_000;
  let previous: number | undefined;
  let longest = 0;
  for (let d = 0; d < 731; d++) {
    const date = new Date(start + d * dayMs);
    if (!month.values.has(date.getUTCMonth() + 1)) continue;
    const domMatch = dom.values.has(date.getUTCDate());
    const dowMatch = dow.values.has(date.getUTCDay());
    if (!(dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch)) continue;
    for (const t of times) {
      const at = d * 1440 + t;
      if (previous !== undefined) longest = Math.max(longest, at - previous);
      previous = at;
    }
  }
  return longest > 0 ? longest * 60 : undefined;
}
