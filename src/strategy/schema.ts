/**
 * The shape of a strategy file, as a zod schema: the strategy (title, period, vision), its
 * priorities, each with objectives, actions and measures. It is the single source of truth for
 * reading and writing the file; checks that need more than the shape (ids unique, an action's
 * objective existing, dates in order, a measure's definition and tier) are in validateStrategy.ts.
 */
import { z } from 'zod';
import { DATE_PATTERN, ID_PATTERN } from '../definitions/schema.js';
import { ACTION_STATUSES, CLOSED_STATUSES, RAGS, type Rag } from './actionStatuses.js';

export const MONTH_PATTERN_TEXT = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Who may lead an action: the specified authorities of the duty (s11), or a school, prison or
 * youth custody body to which the strategy gives the action under s8(5).
 */
export const LEAD_KINDS = [
  'police',
  'fire-and-rescue',
  'integrated-care-board',
  'local-authority',
  'youth-offending-team',
  'probation',
  'school',
  'prison',
  'youth-custody',
] as const;
export type LeadKind = (typeof LEAD_KINDS)[number];
/** Lead kinds that are not specified authorities: their actions are given under s8(5). */
export const S8_5_KINDS: readonly LeadKind[] = ['school', 'prison', 'youth-custody'];

export { ACTION_STATUSES, CLOSED_STATUSES, RAGS, type Rag };

export const METRICS = ['count', 'rate', 'share'] as const;
export type Metric = (typeof METRICS)[number];

export const PERIOD_BASES = ['month', 'quarter', 'financial-year', 'rolling-12-months'] as const;
export type PeriodBasis = (typeof PERIOD_BASES)[number];

export const DIRECTIONS = ['decrease', 'increase', 'maintain'] as const;
export type Direction = (typeof DIRECTIONS)[number];

const id = (what: string): z.ZodString =>
  z
    .string()
    .regex(ID_PATTERN)
    .meta({ description: `${what}: lower-case letters and digits, words joined by hyphens` });
const date = (what: string): z.ZodString =>
  z
    .string()
    .regex(DATE_PATTERN)
    .meta({ description: `${what} (YYYY-MM-DD)` });
const text = (what: string): z.ZodString => z.string().min(1).meta({ description: what });

export const areaSchema = z.strictObject({
  level: text('area level: lsoa11, lsoa21, msoa, ward, district, csp or force'),
  code: text('the area code (e.g. E07000178, or a partnership code such as safer-oxfordshire)'),
});

/** What a measure counts: a definition's tier, and any further filters. */
const selection = {
  definition: text(
    'a definition of serious violence, ID or ID@VERSION (e.g. home-office-success-measures)',
  ).optional(),
  tier: text('a tier of the definition (e.g. knife-enabled-under-25)').optional(),
  age: text(
    'victims of these ages, e.g. "0-24" or "65+" (rates: residents of these ages)',
  ).optional(),
  sources: z
    .array(text('a record source, e.g. police-uk or force-extract'))
    .min(1)
    .optional()
    .meta({ description: 'only records from these sources' }),
  filters: z.record(z.string(), z.array(z.string()).min(1)).optional().meta({
    description:
      'further filters as in `svd counts --where`: a dimension and the values it may take, e.g. {crime_type: [Robbery]}',
  }),
};

export const targetSchema = z.strictObject({
  direction: z.enum(DIRECTIONS),
  percent: z
    .number()
    .min(0)
    .optional()
    .meta({ description: 'change from the baseline to reach, in per cent (e.g. 10)' }),
  value: z.number().optional().meta({ description: 'the value to reach' }),
  by: date('the date by which the target is to be reached'),
});

export const toleranceSchema = z.strictObject({
  percent: z.number().min(0).optional().meta({ description: 'per cent of the expected value' }),
  value: z.number().min(0).optional().meta({ description: 'in the unit of the measure' }),
});

/** A measure that follows a published indicator (svd indicators list) rather than records. */
export const indicatorMeasureSchema = z.strictObject({
  id: text('the indicator id, e.g. lait/FirstYJS (svd indicators list)'),
  area: text(
    'the area code the indicator is published for, e.g. E10000025 (Oxfordshire County Council)',
  ),
});

export const measureSchema = z.strictObject({
  id: id('measure id'),
  title: text('what the measure shows').optional(),
  preset: text('a ready-made measure to start from (svd strategy presets)').optional(),
  indicator: indicatorMeasureSchema.optional().meta({
    description:
      'follow a published indicator for an area (its periods as published; baseline is a period as published, e.g. 2022 or 2022/23) instead of counting records: no definition, tier, area, metric or period',
  }),
  ...selection,
  area: areaSchema.optional(),
  metric: z.enum(METRICS).optional(),
  share_of: z
    .strictObject(selection)
    .optional()
    .meta({ description: 'for metric share: the records the share is of (the denominator)' }),
  period: z.enum(PERIOD_BASES).optional(),
  baseline: text(
    "the baseline period, in the measure's basis: 2023-03 (month), 2023-Q1 (calendar quarter), 2022/23 (financial year), 2023-03 (rolling 12 months to March 2023)",
  ).optional(),
  target: targetSchema.optional(),
  tolerance: toleranceSchema.optional(),
  notes: text('notes').optional(),
});

export const updateSchema = z.strictObject({
  date: date('date of the update'),
  by: text('who reported it').optional(),
  text: text('the progress reported'),
});

export const leadSchema = z.strictObject({
  kind: z.enum(LEAD_KINDS),
  name: text('the organisation, e.g. Thames Valley Police'),
});

export const actionSchema = z.strictObject({
  id: id('action id'),
  title: text('what will be done'),
  objective: id('the objective of this priority the action serves').optional(),
  lead: leadSchema,
  partners: z.array(text('a partner organisation')).optional(),
  owner: text('the role that owns the action (e.g. Community Safety Manager)').optional(),
  start: date('start date').optional(),
  due: date('due date').optional(),
  status: z.enum(ACTION_STATUSES),
  rag: z.enum(RAGS).optional(),
  updates: z.array(updateSchema).optional(),
});

export const objectiveSchema = z.strictObject({
  id: id('objective id'),
  title: text('the objective'),
});

export const prioritySchema = z.strictObject({
  id: id('priority id'),
  title: text('the priority'),
  description: text('why it is a priority').optional(),
  objectives: z.array(objectiveSchema).optional(),
  actions: z.array(actionSchema).optional(),
  measures: z.array(measureSchema).optional(),
});

export const strategySchema = z.strictObject({
  $schema: z.string().optional(),
  id: id('strategy id'),
  title: text('title of the strategy'),
  partnership: text('the partnership whose strategy this is').optional(),
  illustrative: z
    .boolean()
    .optional()
    .meta({ description: "true for an example that is not a partnership's real strategy" }),
  period: z.strictObject({ from: date('first day'), to: date('last day') }),
  vision: text('the vision'),
  review_months: z
    .int()
    .min(1)
    .max(24)
    .optional()
    .meta({ description: 'months between reviews (default 6)' }),
  priorities: z.array(prioritySchema).min(1),
});

export type StrategyFile = z.output<typeof strategySchema>;
export type Priority = z.output<typeof prioritySchema>;
export type Action = z.output<typeof actionSchema>;
export type Measure = z.output<typeof measureSchema>;
export type MeasureSelection = Pick<Measure, 'definition' | 'tier' | 'age' | 'sources' | 'filters'>;
export type Target = z.output<typeof targetSchema>;
export type Tolerance = z.output<typeof toleranceSchema>;

export function strategyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(strategySchema, { io: 'input', target: 'draft-2020-12' });
}
