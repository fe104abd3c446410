/**
 * Layout `tidy`: a partner's own aggregates (youth offending service cohorts, exploitation
 * referrals, MARAC cases) in a CSV with one value per row, described by a small YAML mapping
 * (`--mapping`): the indicator's id, name, definition, unit, polarity and publisher, and the
 * columns holding the area code, period, value and, optionally, numerator, denominator, area
 * name and breakdown. These are `disclosure: partner` unless the mapping says `published`.
 * See examples/indicators/.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { lineOf, parseBoundedYaml } from '../../core/boundedYaml.js';
import { SvdError, errorMessage, type Problem } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { POLARITIES, type IndicatorMeta } from './indicatorTypes.js';
import { sqlText } from '../../core/sqlText.js';
import { quoteIdent, type IndicatorSource } from './indicatorSource.js';
import { STAGE } from './storeIndicatorValues.js';

const text = z.string().min(1);
const tidyMappingSchema = z.strictObject({
  indicator: z.strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]*$/, 'letters, digits, _ . / - (e.g. yos/fte-cohort)'),
    name: text,
    definition: text.optional(),
    unit: text.optional(),
    polarity: z.enum(POLARITIES),
    publisher: text,
    licence: text.optional(),
    period_type: text.optional(),
    topic: text.optional(),
  }),
  columns: z.strictObject({
    area_code: text,
    area_name: text.optional(),
    period: text,
    value: text,
    numerator: text.optional(),
    denominator: text.optional(),
    breakdown: z.array(text).optional(),
  }),
  lsoa: z.enum(['lsoa21', 'lsoa11']).default('lsoa21'),
  disclosure: z.enum(['partner', 'published']).default('partner'),
  /** Made-up figures (an example or a rehearsal): the batch is marked synthetic. */
  synthetic: z.boolean().default(false),
});
export type TidyMapping = z.infer<typeof tidyMappingSchema> & { file: string };

export function readTidyMapping(file: string): TidyMapping {
  let body: string;
  try {
    body = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SvdError({
      kind: 'usage',
      code: 'MAPPING_UNREADABLE',
      message: `cannot read the indicator mapping: ${errorMessage(error).split('\n')[0]}`,
      location: { file },
      fix: 'check the path given to --mapping',
    });
  }
  const yaml = parseBoundedYaml(body, { file });
  const problems: Problem[] = yaml.syntax.map((e) => ({
    file,
    line: e.line,
    message: `not valid YAML: ${e.message}`,
  }));
  if (problems.length === 0) {
    const parsed = tidyMappingSchema.safeParse(yaml.value);
    if (parsed.success) return { ...parsed.data, file };
    for (const issue of parsed.error.issues) {
      const keys = (
        issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path
      ).filter((k): k is string | number => typeof k !== 'symbol');
      problems.push({
        file,
        line: lineOf(yaml.lines, keys),
        field: keys.map(String).join('.') || '(top level)',
        message: issue.message,
      });
    }
  }
  const first = problems[0]!;
  throw new SvdError({
    kind: 'input',
    code: 'BAD_INDICATOR_MAPPING',
    message: `the indicator mapping is not valid: ${first.field === undefined ? '' : `${first.field}: `}${first.message}`,
    location: {
      file,
      ...(first.line === undefined ? {} : { line: first.line }),
      ...(first.field === undefined ? {} : { field: first.field }),
    },
    fix: 'see examples/indicators/yos-cohort-mapping.yaml for the keys a mapping takes',
    problems,
  });
}

/** The columns of the CSV that the mapping names. */
export const tidyColumns = (m: TidyMapping): string[] =>
  [
    m.columns.area_code,
    m.columns.period,
    m.columns.value,
    m.columns.area_name,
    m.columns.numerator,
    m.columns.denominator,
    ...(m.columns.breakdown ?? []),
  ].filter((c): c is string => c !== undefined);

export async function stageTidy(
  ws: Workspace,
  source: IndicatorSource,
  m: TidyMapping,
): Promise<{
  meta: IndicatorMeta[];
  auxFields: Partial<Record<'numerator' | 'denominator', string>>;
  announce: string;
}> {
  const c = m.columns;
  const opt = (col: string | undefined): string =>
    col === undefined ? 'NULL' : `CAST(${quoteIdent(col)} AS VARCHAR)`;
  const breakdown =
    c.breakdown === undefined || c.breakdown.length === 0
      ? `''`
      : `concat_ws('; ', ${c.breakdown.map((b) => `${sqlText(`${b}=`)} || coalesce(CAST(${quoteIdent(b)} AS VARCHAR), '')`).join(', ')})`;
  await ws.db.run(
    `INSERT INTO ${STAGE}
       SELECT line, ${sqlText(m.indicator.id)}, ${sqlText(c.area_code)}, ${opt(c.area_code)}, NULL,
              ${opt(c.area_name)}, ${opt(c.period)}, ${sqlText(m.indicator.period_type ?? '')},
              ${breakdown}, ${sqlText(c.value)}, ${opt(c.value)}, NULL, NULL,
              ${opt(c.numerator)}, ${opt(c.denominator)}
         FROM ${source.rows}`,
    { file: source.file },
  );
  const i = m.indicator;
  return {
    meta: [
      {
        indicatorId: i.id,
        name: i.name,
        definition: i.definition ?? null,
        unit: i.unit ?? null,
        polarity: i.polarity,
        publisher: i.publisher,
        licence: i.licence ?? null,
        periodType: i.period_type ?? null,
        topic: i.topic ?? null,
        disclosure: m.disclosure,
      },
    ],
    auxFields: {
      ...(c.numerator === undefined ? {} : { numerator: c.numerator }),
      ...(c.denominator === undefined ? {} : { denominator: c.denominator }),
    },
    announce: `indicator ${i.id} from column ${c.value} (mapping ${m.file}), disclosure ${m.disclosure}`,
  };
}
