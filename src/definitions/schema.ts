/**
 * The shape of a definition file, as a zod schema. It is the single source of truth: files are
 * checked against it, and the JSON Schema published for editors
 * (`definitions/definition.schema.json`) is generated from it (`definitionJsonSchema`).
 *
 * The meaning of each condition (how it matches a record) is in `compileDefinition.ts`; checks
 * that need the reference data (offence codes, groups) are in `validateDefinition.ts`.
 */
import { z } from 'zod';
import { INCIDENT_FLAGS, LOCATION_TYPES, SEXES, type IncidentFlag } from '../core/vocabulary.js';

/** Ids of definitions, tiers and rules: lower case words joined by hyphens. */
export const ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** ICD-10 external cause codes as health data carries them: X99, X99.0, X99.9. */
export const ICD10_PATTERN = /^[A-Z]\d{2}(?:\.\d{1,2})?$/;

/**
 * Words a tier may not be called, because counts by tier use them for records that are in no
 * tier: matched nothing, removed by an exclusion, carry none of the fields the definition reads,
 * or were not classified under the definition yet.
 */
export const RESERVED_TIER_IDS = ['none', 'excluded', 'no-data', 'unclassified'] as const;

const id = (what: string): z.ZodString =>
  z
    .string()
    .regex(ID_PATTERN)
    .meta({
      description: `${what}: lower-case letters and digits, words joined by hyphens (e.g. knife-enabled)`,
    });

const values = (description: string): z.ZodArray<z.ZodString> =>
  z.array(z.string().min(1)).min(1).meta({ description });

const ageRange = z
  .union([
    z.string().meta({ description: 'an age band: "0-24" (both ends included) or "25+"' }),
    z.strictObject({
      min: z.int().min(0).max(130).optional().meta({ description: 'youngest age, included' }),
      max: z.int().min(0).max(130).optional().meta({ description: 'oldest age, included' }),
    }),
  ])
  .meta({
    description:
      'Matches an exact age within the range, or else an age band lying wholly inside it (the band "18-24" is inside "0-24"). A record with neither does not match.',
  });

const flagShape = Object.fromEntries(
  INCIDENT_FLAGS.map((flag) => [
    flag,
    z
      .boolean()
      .optional()
      .meta({
        description: `true: the ${flag.replace(/_/g, ' ')} flag is set; false: it is known not to be set (a record where the flag is unknown matches neither)`,
      }),
  ]),
) as Record<IncidentFlag, z.ZodOptional<z.ZodBoolean>>;

const LOCATION_TYPE_NAMES = Object.keys(LOCATION_TYPES) as [string, ...string[]];

/** What a condition can test. Every one given must hold (use `any` for "or"). */
const matchers = {
  codes: values(
    'Home Office offence codes (write them as text, e.g. "4.10", "8N"); the record\'s offence_code must be one of them',
  ),
  subcodes: values(
    'Home Office offence sub-codes, class and sub-classification (e.g. "8/1": wounding or inflicting GBH without intent, s.20; "8/6": assault occasioning ABH, s.47); the record\'s offence_subcode must be one of them. 008/01, 8.1 and 8N/01 are read as 8/1',
  ),
  offence_groups: values(
    'Home Office offence groups (e.g. "Violence against the person"): every code of the group in the reference table',
  ),
  offence_subgroups: values(
    'Home Office offence subgroups (e.g. "Homicide", "Violence with injury"): every code of the subgroup',
  ),
  statutes: values(
    'statutes as stored in statute (e.g. OAPA1861-s20 for s.20 GBH, OAPA1861-s47 for s.47 ABH)',
  ),
  offence_descriptions: values('offence descriptions, matched whole and ignoring upper/lower case'),
  offence_description_contains: values(
    'words or phrases, any of which the offence description contains (ignoring case)',
  ),
  crime_types: values('police.uk crime types, e.g. "Violence and sexual offences", "Robbery"'),
  flags: z
    .strictObject(flagShape)
    .meta({ description: 'flags the record must carry (true) or be known not to carry (false)' }),
  victim_age: ageRange,
  suspect_age: ageRange,
  victim_sexes: z.array(z.enum(SEXES)).min(1).meta({ description: 'sex of the victim' }),
  suspect_sexes: z.array(z.enum(SEXES)).min(1).meta({ description: 'sex of the suspect' }),
  location_types: z
    .array(z.enum(LOCATION_TYPE_NAMES))
    .min(1)
    .meta({ description: 'where the incident happened' }),
  location_classes: z
    .array(z.enum(['public', 'private']))
    .min(1)
    .meta({ description: 'public or private places (every location type of that class)' }),
  icd10_causes: values(
    'ICD-10 external cause codes of health records (e.g. X99: assault by sharp object); "X99" also matches X99.0…X99.9',
  ),
};

export type ConditionInput = {
  [K in keyof typeof matchers]?: z.input<(typeof matchers)[K]>;
} & {
  all?: ConditionInput[];
  any?: ConditionInput[];
  not?: ConditionInput;
};

export const conditionSchema: z.ZodType<ConditionInput> = z
  .strictObject({
    ...matchers,
    get all() {
      return z
        .array(conditionSchema)
        .min(1)
        .optional()
        .meta({ description: 'every one of these conditions holds' });
    },
    get any() {
      return z
        .array(conditionSchema)
        .min(1)
        .optional()
        .meta({ description: 'at least one of these conditions holds' });
    },
    get not() {
      return conditionSchema.optional().meta({ description: 'this condition does not hold' });
    },
  })
  .partial()
  .meta({ id: 'condition', description: 'a condition on a record; all the tests given must hold' });

const ruleShape = {
  id: id('rule id, unique within the definition'),
  label: z.string().min(1).meta({ description: 'what the rule means, in plain words' }),
  notes: z.string().optional().meta({ description: 'why the rule is there, sources' }),
};

export type RuleInput = ConditionInput & { id: string; label: string; notes?: string | undefined };

export const ruleSchema: z.ZodType<RuleInput> = z
  .strictObject({
    ...ruleShape,
    ...Object.fromEntries(Object.entries(matchers).map(([k, v]) => [k, v.optional()])),
    get all() {
      return z
        .array(conditionSchema)
        .min(1)
        .optional()
        .meta({ description: 'every one of these conditions holds' });
    },
    get any() {
      return z
        .array(conditionSchema)
        .min(1)
        .optional()
        .meta({ description: 'at least one of these conditions holds' });
    },
    get not() {
      return conditionSchema.optional().meta({ description: 'this condition does not hold' });
    },
  })
  .meta({
    id: 'rule',
    description:
      'a named condition; a record matches the rule when every test given holds (use any for "or")',
  }) as unknown as z.ZodType<RuleInput>;

export const tierSchema = z
  .strictObject({
    id: id('tier id'),
    label: z.string().min(1),
    description: z.string().optional(),
    rules: z
      .array(ruleSchema)
      .min(1)
      .meta({ description: 'a record is in the tier when any rule matches' }),
  })
  .meta({ id: 'tier' });

export const definitionSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'path of this JSON Schema, for editors' }),
    id: id('definition id'),
    version: z
      .int()
      .min(1)
      .meta({ description: 'version number; an edited definition is a new version' }),
    title: z.string().min(1),
    effective_from: z
      .string()
      .regex(DATE_PATTERN)
      .meta({ description: 'first day the definition applies, YYYY-MM-DD' }),
    coverage: z.enum(['exact', 'proxy']).default('exact').meta({
      description:
        'exact: the definition itself; proxy: an approximation from data that cannot apply it (every output says so)',
    }),
    description: z.string().optional(),
    sources: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'where the definition comes from (documents, decisions)' }),
    notes: z.string().optional(),
    tiers: z.array(tierSchema).min(1).meta({
      description:
        'in order of precedence: a record is given the first tier it matches, and all tiers it matches are kept',
    }),
    exclusions: z.array(ruleSchema).optional().meta({
      description: 'rules that remove a record from every tier, whatever else it matches',
    }),
  })
  .meta({
    title: 'svd serious violence definition',
    description:
      "A partnership's definition of serious violence: tiers of rules over canonical incident fields, and exclusions.",
  });

export type DefinitionInput = z.input<typeof definitionSchema>;
export type DefinitionFile = z.output<typeof definitionSchema>;
export type Tier = z.output<typeof tierSchema>;
export type Rule = RuleInput;
export type Condition = ConditionInput;
export type MatcherName = keyof typeof matchers;
export const MATCHER_NAMES = Object.keys(matchers) as MatcherName[];
export const CONDITION_KEYS: readonly string[] = [...MATCHER_NAMES, 'all', 'any', 'not'];

/** The JSON Schema for editors, generated from the schema above (never written by hand). */
export function definitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(definitionSchema, { io: 'input', target: 'draft-2020-12' });
}
