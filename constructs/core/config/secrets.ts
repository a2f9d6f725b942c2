import { z } from 'zod';
import { SecretSource } from '../secrets';
import { dnsLabel } from './patterns';

/** Where a credential comes from. There is deliberately no way to give a literal value. */
export const secretSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('generated') }),
  z.strictObject({
    type: z.literal('existing'),
    secretName: dnsLabel(),
    /** Maps the keys the component reads to the keys of your Secret, where they differ. */
    keys: z.record(z.string(), z.string().min(1)).optional(),
  }),
  z.strictObject({
    type: z.literal('pulumi'),
    /** Maps each key the component reads to a Pulumi secret config key. */
    configKeys: z.record(z.string(), z.string().min(1)),
  }),
]);

export type SecretSourceConfig = z.output<typeof secretSourceSchema>;

/** Maps a configured secret source to the construct-level one. */
export function secretSourceFrom(config: SecretSourceConfig): SecretSource {
  switch (config.type) {
    case 'generated':
      return SecretSource.generated();
    case 'existing':
      return SecretSource.existing(config.secretName, config.keys ?? {});
    case 'pulumi':
      return SecretSource.pulumiConfig(config.configKeys);
  }
}
