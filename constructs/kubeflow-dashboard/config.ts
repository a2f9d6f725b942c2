import { z } from 'zod';
import { email } from '../core/config/patterns';
import { PresetName, configGroup } from '../core/config/rules';

/** `kubeflow.dashboard`: the central dashboard, profiles and access management. */
export const kubeflowDashboardShape = (preset: PresetName) => ({
  kubeflow: configGroup({
    dashboard: z
      .strictObject({
        enabled: z.boolean().default(true),
        /**
         * Whether a user without a profile may create one from the dashboard. Off in prod, where
         * tenants are code; such a profile gets upstream's defaults, not a tenant's quota,
         * network policies and bindings.
         */
        selfRegistration: z.boolean().default(preset === 'dev'),
        /** Users KFAM treats as cluster admins: they see and manage every profile. */
        clusterAdmins: z.array(email()).default([]),
      })
      .prefault({}),
  }),
});
