import { Duration } from 'cdk8s';
import { durationProblem, goDuration } from '../../../constructs/core/duration';

describe('goDuration', () => {
  test.each([
    [Duration.days(90), '2160h'],
    [Duration.hours(24), '24h'],
    [Duration.minutes(90), '90m'],
    [Duration.minutes(45), '45m'],
    [Duration.seconds(90), '90s'],
    [Duration.seconds(45), '45s'],
    [Duration.millis(1500), '1500ms'],
  ])('%s reads as Go writes it, in the largest whole unit', (d, expected) => {
    expect(goDuration(d)).toBe(expected);
  });
});

describe('durationProblem', () => {
  test('an unset or whole, positive number of seconds is fine', () => {
    expect(durationProblem('expiry.idTokens', undefined)).toBeUndefined();
    expect(durationProblem('expiry.idTokens', Duration.seconds(1))).toBeUndefined();
    expect(durationProblem('expiry.idTokens', Duration.hours(24))).toBeUndefined();
  });

  test('a fraction of a second or nothing at all is reported in the house template', () => {
    expect(durationProblem('expiry.idTokens', Duration.millis(10))).toBe(
      '`expiry.idTokens` is not a positive whole number of seconds (got 0.01s). Use a duration such as Duration.hours(24).',
    );
    expect(durationProblem('keysRotationPeriod', Duration.seconds(0))).toBe(
      '`keysRotationPeriod` is not a positive whole number of seconds (got 0s). Use a duration such as Duration.hours(24).',
    );
  });

  test('the fix can be said for the prop', () => {
    expect(durationProblem('cookieExpire', Duration.millis(1500), 'Use Duration.hours(8).')).toBe(
      '`cookieExpire` is not a positive whole number of seconds (got 1.5s). Use Duration.hours(8).',
    );
  });
});
