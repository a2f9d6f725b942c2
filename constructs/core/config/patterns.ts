import { z } from 'zod';
import { parseImageReference } from '../images';

/**
 * Field checks with messages in the house template. A message is `what is wrong|how to fix it`;
 * the formatter inserts the value it found between the two halves.
 */
export const dnsLabel = () =>
  z
    .string()
    .regex(
      /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      'is not a valid name|Use lower-case letters, digits and hyphens, start and end with a letter or digit, at most 63 characters.',
    );

export const hostname = () =>
  z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/,
      'is not a host name|Use a lower-case DNS name such as kubeflow.example.com, without scheme or path.',
    );

export const email = () =>
  z
    .string()
    .regex(
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
      'is not an email address|Use a full address such as admin@example.com.',
    );

export const quantity = () =>
  z
    .string()
    .regex(
      /^([0-9]+(\.[0-9]+)?)(m|k|Ki|Mi|Gi|Ti|Pi|Ei|M|G|T|P|E)?$/,
      'is not a Kubernetes quantity|Use a value such as 500m or 2 for CPU and 512Mi or 4Gi for memory.',
    );

export const bucketName = () =>
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'is not a valid S3 bucket name|Use 3 to 63 lower-case letters, digits, dots and hyphens.',
    );

export const url = (what: string) =>
  z
    .string()
    .regex(
      /^https?:\/\/[^\s/]+(\/\S*)?$/,
      `is not a URL|Give the ${what} as http(s)://host[:port][/path].`,
    );

export const positiveInt = (max: number, unit: string) =>
  z
    .number()
    .int(`must be a whole number|Give a whole number of ${unit}.`)
    .min(1, `must be at least 1|Give a whole number of ${unit} from 1 to ${max}.`)
    .max(max, `is too large|Give a whole number of ${unit} from 1 to ${max}.`);

/** A Kubernetes Secret the user manages, and the key inside it. */
export const secretKeyRef = () =>
  z.strictObject({
    name: dnsLabel().describe('Secret name'),
    key: z.string().min(1),
  });

/** An image registry host with an optional path, e.g. `registry.internal:5000/mirror`. */
export const registry = () =>
  z
    .string()
    .regex(
      /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
      'is not a registry reference|Give a registry host with optional port and path, such as registry.internal:5000/kubeflow, without a scheme.',
    );

/** Requests and limits of a container. */
export const resources = () =>
  z.strictObject({
    cpu: z.strictObject({ request: quantity(), limit: quantity().optional() }),
    memory: z.strictObject({ request: quantity(), limit: quantity() }),
  });

/** An image as `registry/repository:tag[@sha256:digest]`, pinned: never `latest`, never without a tag. */
export const pinnedImage = () =>
  z.string().refine((v) => parseImageReference(v) !== undefined, {
    message:
      'is not a pinned image reference|Give registry/repository:tag, optionally @sha256:digest, with a release tag rather than latest.',
  });
