import { cronScheduleProblems } from '../../../constructs/database/cron';

describe('cronScheduleProblems', () => {
  test.each([
    '17 2 * * *',
    '*/15 * * * *',
    '0 0-23/6 1,15 * MON-FRI',
    '30 3 * JAN,jul sun',
    '0 12 31 12 6',
    '5-10/2 0 1-7 1-12/3 0',
  ])('%s is valid', (schedule) => {
    expect(cronScheduleProblems('schedule', schedule)).toEqual([]);
  });

  test.each<[string, string[]]>([
    [
      '0 2 * *',
      [
        '`schedule` has 4 fields; a schedule has 5 (minute hour day-of-month month day-of-week) (got "0 2 * *"). Write five fields, e.g. "17 2 * * *" for 02:17 every day.',
      ],
    ],
    [
      '',
      [
        '`schedule` has 0 fields; a schedule has 5 (minute hour day-of-month month day-of-week) (got ""). Write five fields, e.g. "17 2 * * *" for 02:17 every day.',
      ],
    ],
    [
      '@daily',
      [
        '`schedule` is a macro, not a five-field cron expression (got "@daily"). Write the five fields, e.g. "0 0 * * *" for @daily.',
      ],
    ],
    [
      'TZ=Europe/Berlin 0 2 * * *',
      [
        '`schedule` carries a time zone, which Kubernetes rejects (got "TZ=Europe/Berlin 0 2 * * *"). Set the time zone with timeZone and keep five fields here, e.g. "17 2 * * *".',
      ],
    ],
    [
      '60 24 0 13 7',
      [
        '`schedule` field 1 (minute): "60" is outside 0-59 (got "60 24 0 13 7"). Use 0-59, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 2 (hour): "24" is outside 0-23 (got "60 24 0 13 7"). Use 0-23, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 3 (day of month): "0" is outside 1-31 (got "60 24 0 13 7"). Use 1-31, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 4 (month): "13" is outside 1-12 or JAN-DEC (got "60 24 0 13 7"). Use 1-12 or names such as JAN, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 5 (day of week): "7" is outside 0-6 or SUN-SAT (got "60 24 0 13 7"). Use 0-6 or names such as SUN, "*", lists (a,b), ranges (a-b) and steps (*/n).',
      ],
    ],
    [
      '*/0 5-1 1,,2 x */2/3',
      [
        '`schedule` field 1 (minute): "*/0" has a step that is not a whole number from 1 (got "*/0 5-1 1,,2 x */2/3"). Use 0-59, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 2 (hour): "5-1" is a range that ends before it starts (got "*/0 5-1 1,,2 x */2/3"). Use 0-23, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 3 (day of month): "1,,2" has an empty list element (got "*/0 5-1 1,,2 x */2/3"). Use 1-31, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 4 (month): "x" is outside 1-12 or JAN-DEC (got "*/0 5-1 1,,2 x */2/3"). Use 1-12 or names such as JAN, "*", lists (a,b), ranges (a-b) and steps (*/n).',
        '`schedule` field 5 (day of week): "*/2/3" has more than one "/" (got "*/0 5-1 1,,2 x */2/3"). Use 0-6 or names such as SUN, "*", lists (a,b), ranges (a-b) and steps (*/n).',
      ],
    ],
  ])('%j is refused with every problem', (schedule, problems) => {
    expect(cronScheduleProblems('schedule', schedule)).toEqual(problems);
  });
});
