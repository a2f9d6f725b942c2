import { z } from 'zod';
import { SecretSource } from '../secrets';
import { dnsLabel } from './patterns';

/**
 * Where a credential comes from, for a consumer that reads `keys`. There is deliberately no way
 * to give a literal value. The key maps name only the consumer's keys, so a typo (`rootPasswrd`)
 * is an error instead of a key that is silently never read.
 */
export const secretSource = <K extends string>(keys: readonly [K, ...K[]]) => {
  const known = [...keys].join(', ');
  const keyNames = (required: boolean) =>
    z.strictObject(
      Object.fromEntries(
        keys.map((k) => [k, required ? z.string().min(1) : z.string().min(1).optional()]),
      ) as Record<K, z.ZodString | z.ZodOptional<z.ZodString>>,
      { error: () => `names keys the component does not read|Use only: ${known}.` },
    );
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('generated') }),
    z.strictObject({
      type: z.literal('existing'),
      secretName: dnsLabel(),
      /** Maps the keys the component reads to the keys of your Secret, where they differ. */
      keys: keyNames(false).optional(),
    }),
    z.strictObject({
      type: z.literal('pulumi'),
      /** Maps each key the component reads to a Pulumi secret config key. */
      configKeys: keyNames(true),
    }),
  ]);
};

/** A secret source for any keys, e.g. for docs and generic code. */
export const secretSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('generated') }),
  z.strictObject({
    type: z.literal('existing'),
    secretName: dnsLabel(),
    keys: z.record(z.string(), z.string().min(1)).optional(),
  }),
  z.strictObject({
    type: z.literal('pulumi'),
    configKeys: z.record(z.string(), z.string().min(1)),
  }),
]);

/** A validated secret source, whatever keys its consumer reads. */
export type SecretSourceConfig =
  | { readonly type: 'generated' }
  | {
      readonly type: 'existing';
      readonly secretName: string;
      readonly keys?: Readonly<Record<string, string | undefined>>;
    }
  | { readonly type: 'pulumi'; readonly configKeys: Readonly<Record<string, string | undefined>> };

/** The entries of a key map that are set. */
function defined(map: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** Maps a configured secret source to the construct-level one. */
export function secretSourceFrom(config: SecretSourceConfig): SecretSource {
  switch (config.type) {
    case 'generated':
      return SecretSource.generated();
    case 'existing':
      return SecretSource.existing(config.secretName, defined(config.keys));
    case 'pulumi':
      return SecretSource.pulumiConfig(defined(config.configKeys));
  }
}
