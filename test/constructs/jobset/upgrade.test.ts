import {
  JOBSET_NAMES,
  JOBSET_SELECTOR,
  JOBSET_SELECTOR_V0_10,
  JOBSET_VERSION,
  jobSetSelectorUpgrade,
} from '../../../constructs/jobset';
import { MANAGER_FACTS, SELECTOR_FACTS } from './facts';

describe('the v0.10.x to v0.11.0 selector change', () => {
  test('old and new selectors are upstream facts, and they differ', () => {
    expect(JOBSET_SELECTOR_V0_10).toEqual(SELECTOR_FACTS['v0.10.1']);
    expect(JOBSET_SELECTOR).toEqual(SELECTOR_FACTS['v0.11.0']);
    expect(JOBSET_SELECTOR).not.toEqual(JOBSET_SELECTOR_V0_10);
  });

  test('the step deletes the manager Deployment of the given namespace before the apply', () => {
    const step = jobSetSelectorUpgrade('kubeflow-system');
    expect(step.version).toBe(JOBSET_VERSION);
    expect(step.deleteBeforeApply).toEqual([
      { resource: 'deployment', namespace: 'kubeflow-system', name: MANAGER_FACTS.deployment },
    ]);
    expect(step.pruneAfterApply).toBeUndefined();
    expect(step.description).toContain('from 1 label to 4');
    expect(JOBSET_NAMES.deployment).toBe(MANAGER_FACTS.deployment);
  });

  test("the version compared can be the registering component's", () => {
    const step = jobSetSelectorUpgrade('training', 'v2.2.0');
    expect(step.version).toBe('v2.2.0');
    expect(step.deleteBeforeApply?.[0].namespace).toBe('training');
  });
});
