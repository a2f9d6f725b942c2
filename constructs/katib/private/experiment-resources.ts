/** A trial container's requests and limits, with GPUs: the platform's `AcceleratedResources`. */
export {
  type AcceleratedResources as TrialResources,
  DEFAULT_GPU_RESOURCE,
  acceleratedResourcesJson as trialResourcesJson,
  acceleratedResourcesProblems as trialResourcesProblems,
} from '../../core/accelerated-resources';
