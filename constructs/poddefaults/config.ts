import { z } from 'zod';
import { configGroup } from '../core/config/rules';

/** `kubeflow.podDefaults`: the PodDefaults admission webhook. */
export const podDefaultsShape = () => ({
  kubeflow: configGroup({
    podDefaults: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  }),
});
