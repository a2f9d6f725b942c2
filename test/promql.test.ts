import { metricNames } from './promql';

test.each([
  ['up', ['up']],
  ['(sum(up{job="x",namespace="y"}) or vector(0)) == 0', ['up']],
  [
    'sum by (job, le) (rate(a_bucket{job=~"x|y{z}"}[5m])) / ignoring (le) group_left b_total > 0.5',
    ['a_bucket', 'b_total'],
  ],
  ['count(x_total unless x_total offset 1h) > 0 and y >= 3', ['x_total', 'y']],
  [
    'histogram_quantile(0.99, sum by (le) (rate(c_seconds_bucket[5m]))) > 2e3',
    ['c_seconds_bucket'],
  ],
  ['label_replace(d, "a", "$1", "b", "(.*)") > Inf', ['d']],
])('%s reads %j', (expr, names) => {
  expect(metricNames(expr)).toEqual(names);
});
