import { z } from 'zod';
import { parseImageReference } from '../images';

/**
 * Field checks with messages in the house template. A message is `what is wrong|how to fix it`;
 * the formatter inserts the value it found between the two halves.
 */
export const dnsLabel = (params?: Parameters<typeof z.string>[0]) =>
  z
    .string(params)
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

/** An `https://` URL: identities, keys and ACME accounts never travel in plain text. */
export const httpsUrl = (what: string) =>
  z
    .string()
    .regex(
      /^https:\/\/[^\s/]+(\/\S*)?$/,
      `is not an https URL|Give the ${what} as https://host[:port][/path].`,
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
const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity as the `quantity()` pattern accepts it (`500m`, `2Gi`). */
export function quantityValue(q: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$/.exec(q);
  if (!m) return undefined;
  const factor = m[2] === '' ? 1 : QUANTITY_SUFFIX[m[2]];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** Requests and limits of a container; a request above its limit is refused as the API server would. */
export const resources = () =>
  z
    .strictObject({
      cpu: z.strictObject({ request: quantity(), limit: quantity().optional() }),
      memory: z.strictObject({ request: quantity(), limit: quantity() }),
    })
    .superRefine((r, ctx) => {
      for (const res of ['cpu', 'memory'] as const) {
        const { request, limit } = r[res];
        const req = quantityValue(request);
        const lim = limit === undefined ? undefined : quantityValue(limit);
        if (req !== undefined && lim !== undefined && req > lim) {
          ctx.addIssue({
            code: 'custom',
            path: [res, 'request'],
            input: request,
            message: `is above its limit ${limit}|Kubernetes refuses a request above the limit; lower the request or raise ${res}.limit.`,
          });
        }
      }
    });

/** An image as `registry/repository:tag[@sha256:digest]`, pinned: never `latest`, never without a tag. */
export const pinnedImage = () =>
  z.string().refine((v) => parseImageReference(v) !== undefined, {
    message:
      'is not a pinned image reference|Give registry/repository:tag, optionally @sha256:digest, with a release tag rather than latest.',
  });
