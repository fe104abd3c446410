/**
 * Writing a strategy as YAML: fields in the order of the schema, the file's own values only (a
 * preset is written as its name, defaults are not filled in), so that export → import → export
 * gives the same text and import → export → import the same strategy.
 */
import { stringify } from 'yaml';
import type { StrategyFile } from './schema.js';
import { strategySchema } from './schema.js';

const HEADER = `# svd strategy file: priorities, objectives, actions and measures.
# Check it with \`svd strategy validate FILE\`; load it with \`svd strategy import FILE\`.
`;

/** The value with its keys in the schema's order (zod keeps the order of the input). */
function ordered(value: unknown, schema: unknown): unknown {
  const def = (
    schema as
      | {
          def?: {
            type?: string;
            innerType?: unknown;
            element?: unknown;
            shape?: Record<string, unknown>;
          };
        }
      | undefined
  )?.def;
  if (def === undefined) return value;
  if (def.type === 'optional') return ordered(value, def.innerType);
  if (def.type === 'array' && Array.isArray(value))
    return value.map((v) => ordered(v, def.element));
  if (
    def.type === 'object' &&
    value !== null &&
    typeof value === 'object' &&
    def.shape !== undefined
  ) {
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(def.shape))
      if (record[key] !== undefined) out[key] = ordered(record[key], def.shape[key]);
    return out;
  }
  return value;
}

const ILLUSTRATIVE = `#
# ILLUSTRATIVE EXAMPLE (illustrative: true): not a partnership's real strategy.
`;

export function strategyToYaml(file: StrategyFile): string {
  return (
    HEADER +
    (file.illustrative === true ? ILLUSTRATIVE : '') +
    stringify(ordered(file, strategySchema), {
      version: '1.2',
      lineWidth: 100,
      minContentWidth: 40,
      defaultStringType: 'PLAIN',
      defaultKeyType: 'PLAIN',
    })
  );
}
