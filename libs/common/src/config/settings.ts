import { z } from 'zod';
import { EdxError } from '../errors';

/**
 * Settings are read once at start-up from `EDX_*` environment variables into a typed object.
 * Nothing else reads process.env. A bad setting stops start-up with every bad key named.
 */
export function loadSettings<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new EdxError('CONFIG_INVALID', `Invalid settings:\n  ${problems.join('\n  ')}`, { problems });
}

/** Field helpers with defaults that work on a fresh machine of the kind edx is developed on. */
export const setting = {
  url: (fallback: string) => z.string().url().default(fallback),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  text: (fallback: string) => z.string().min(1).default(fallback),
  optionalText: () => z.string().min(1).optional(),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  oneOf: <const T extends [string, ...string[]]>(values: T, fallback: T[number]) => z.enum(values).default(fallback as never),
};

export { z };
