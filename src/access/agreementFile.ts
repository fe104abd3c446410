/**
 * The data-sharing agreement file (YAML): read through the bounded reader, checked with zod, then
 * for meaning — health and social-care data, dates in order, parties that exist — every problem
 * reported at once with its path, its line and what to do
 * (docs/decisions/0073-sharing-agreements.md).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  ARTICLE_9_BASES,
  DATASET_KINDS,
  HEALTH_DATASETS,
  LEGAL_BASES,
  LEVELS,
  SOCIAL_CARE_DATASETS,
  type DatasetKind,
  type LegalBasis,
  type Level,
} from './agreementVocabulary.js';
import {
  describeValue,
  lineOf,
  parseBoundedYaml,
  valueAt,
  readYamlFile,
  yamlSyntaxIssues,
} from '../core/boundedYaml.js';
import { DEFAULT_PUBLIC_MINIMUM, HEALTH_MINIMUM } from '../core/disclosureMinimums.js';
import { SvdError, type Problem } from '../core/errors.js';
import { formatPath, type Path } from '../core/fieldPath.js';
import { badIdMessage } from '../core/idMessage.js';
import { didYouMean, suggest } from '../core/suggest.js';

/** Higher is more permissive. */
export const LEVEL_RANK: Readonly<Record<Level, number>> = {
  aggregate: 1,
  'pseudonymised-record': 2,
  record: 3,
};

/** Record fields an agreement may withhold (columns of the records held). */
export const RECORD_FIELDS = [
  'source_record_id',
  'occurred_from',
  'occurred_to',
  'recorded_date',
  'offence_code',
  'offence_description',
  'statute',
  'victim_age',
  'victim_age_band',
  'victim_sex',
  'suspect_age',
  'suspect_age_band',
  'suspect_sex',
  'location_type',
  'location_text',
  'longitude',
  'latitude',
  'easting',
  'northing',
  'lsoa_code',
  'outcome',
  'context',
] as const;

export const PARTY_TYPES = ['controller', 'joint-controller', 'recipient'] as const;
export const AGREEMENT_AUDIENCES = ['partners', 'public'] as const;
export type AgreementAudience = (typeof AGREEMENT_AUDIENCES)[number];

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const AREA_PATTERN = /^[EWSN]\d{8}$/;

const id = z.string().regex(ID_PATTERN);
const date = z.string().regex(DATE_PATTERN);
const text = z.string().min(1);

const partySchema = z.strictObject({ organisation: id, type: z.enum(PARTY_TYPES) });
const datasetSchema = z.strictObject({ kind: z.enum(DATASET_KINDS), supplier: id.optional() });

export const agreementSchema = z.strictObject({
  id,
  title: text,
  parties: z.array(partySchema).min(2),
  purpose: text,
  legal_basis: z.array(z.enum(LEGAL_BASES)).min(1),
  legal_basis_note: text.optional(),
  dpia: text,
  datasets: z.array(datasetSchema).min(1),
  level: z.enum(LEVELS).optional(),
  fields_withheld: z.array(z.enum(RECORD_FIELDS)).optional(),
  geography: z.array(z.string().regex(AREA_PATTERN)).min(1),
  min_cell_size: z.number().int().optional(),
  audiences: z.array(z.enum(AGREEMENT_AUDIENCES)).min(1),
  start: date,
  review: date,
  expiry: date,
});
export type AgreementFile = z.infer<typeof agreementSchema>;

/** The agreement with every default filled in: nothing downstream sees undefined. */
export interface AgreementTerms {
  id: string;
  title: string;
  parties: { organisation: string; type: (typeof PARTY_TYPES)[number] }[];
  purpose: string;
  legal_basis: LegalBasis[];
  legal_basis_note: string | null;
  dpia: string;
  datasets: { kind: DatasetKind; supplier: string | null }[];
  level: Level;
  /** Whether the file stated the level (false: the default, aggregate). */
  level_stated: boolean;
  fields_withheld: string[];
  geography: string[];
  min_cell_size: number;
  /** Whether the file stated the minimum cell size (false: the default for its data). */
  min_cell_size_stated: boolean;
  audiences: AgreementAudience[];
  start: string;
  review: string;
  expiry: string;
}

export interface AgreementIssue {
  severity: 'error' | 'warning';
  code: string;
  path: Path;
  message: string;
  fix: string;
  line?: number;
}

/** What the file is checked against: the organisations of the workspace. */
export interface AgreementContext {
  organisations: readonly { id: string; retired_at: string | null }[];
}

export interface AgreementReadResult {
  terms: AgreementTerms | undefined;
  issues: AgreementIssue[];
  /** sha256 of the terms (keys sorted): an unchanged file is not a new revision. */
  contentHash: string | undefined;
}

export function isHealthDataset(kind: string): boolean {
  return (HEALTH_DATASETS as readonly string[]).includes(kind);
}
function isSpecialDataset(kind: string): boolean {
  return isHealthDataset(kind) || (SOCIAL_CARE_DATASETS as readonly string[]).includes(kind);
}

/** The least minimum cell size an agreement on these datasets may set. */
export function leastCellSize(kinds: readonly string[]): number {
  return kinds.some(isHealthDataset) ? HEALTH_MINIMUM : DEFAULT_PUBLIC_MINIMUM;
}

export { datasetKindOf } from '../core/datasetKind.js';

const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(agreementSchema.shape),
  parties: Object.keys(partySchema.shape),
  datasets: Object.keys(datasetSchema.shape),
};

const FIXES: Record<string, string> = {
  id: 'give a short id of lower-case letters, digits and hyphens, e.g. oxon-violence-2026',
  parties:
    'list each party as `- organisation: <id>` with `type: controller`, `joint-controller` or `recipient`',
  legal_basis: `list one or more of: ${LEGAL_BASES.join(', ')}`,
  datasets: `list each dataset as \`- kind: <kind>\` (${DATASET_KINDS.join(', ')}), optionally with \`supplier: <organisation>\``,
  geography:
    'list the area codes covered (nine characters, e.g. E22000171 for a CSP, E07000178 for a district)',
  start: 'write the date as YYYY-MM-DD, e.g. 2026-04-01',
  review: 'write the date as YYYY-MM-DD, e.g. 2027-03-31',
  expiry: 'write the date as YYYY-MM-DD, e.g. 2028-03-31',
};

function fixFor(path: Path, fallback: string): string {
  const top = typeof path[0] === 'string' ? path[0] : '';
  return FIXES[top] ?? fallback;
}

function schemaIssue(issue: z.core.$ZodIssue, root: unknown): AgreementIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = (p: Path, code: string, message: string, fix: string): AgreementIssue => ({
    severity: 'error',
    code,
    path: p,
    message: `${formatPath(p) === '' ? '(top level)' : formatPath(p)}: ${message}`,
    fix,
  });
  const last = path.at(-1);
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const where = typeof path[0] === 'string' ? path[0] : '';
      const known = KNOWN_KEYS[where] ?? [];
      return issue.keys.map((key) =>
        at(
          [...path, key],
          'UNKNOWN_FIELD',
          `unknown field "${key}"${didYouMean(suggest(key, known, { limit: 1 }))}`,
          `remove it or use one of: ${known.join(', ')}`,
        ),
      );
    }
    case 'invalid_type':
      if (value === undefined && typeof last === 'string')
        return [
          at(
            path.slice(0, -1),
            'MISSING_FIELD',
            `missing "${last}"`,
            `add ${last}: (${fixFor([last], 'see examples/agreements/')})`,
          ),
        ];
      return [
        at(
          path,
          'WRONG_TYPE',
          `expected ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : issue.expected}, found ${describeValue(value)}`,
          fixFor(path, 'see examples/agreements/'),
        ),
      ];
    case 'too_small':
      if (issue.origin === 'array')
        return [
          at(
            path,
            'TOO_FEW',
            last === 'parties' ? 'an agreement needs at least two parties' : 'the list is empty',
            fixFor(path, 'add at least one entry'),
          ),
        ];
      return [at(path, 'EMPTY_TEXT', 'must not be empty', 'write it out')];
    case 'invalid_value': {
      const options = issue.values.map(String);
      const name = String(typeof last === 'number' ? path.at(-2) : last).replace(/_/g, ' ');
      return [
        at(
          path,
          'UNKNOWN_VALUE',
          `unknown ${name} ${JSON.stringify(value)}${didYouMean(suggest(String(value), options, { limit: 1 }))}`,
          `use one of: ${options.join(', ')}`,
        ),
      ];
    }
    case 'invalid_format': {
      if (['start', 'review', 'expiry'].includes(String(last)))
        return [at(path, 'BAD_DATE', `${JSON.stringify(value)} is not a date`, fixFor(path, ''))];
      if (path[0] === 'geography')
        return [
          at(
            path,
            'BAD_AREA_CODE',
            `${JSON.stringify(value)} is not an area code`,
            FIXES.geography!,
          ),
        ];
      return [at(path, 'BAD_ID', badIdMessage(value), FIXES.id!)];
    }
    default:
      return [at(path, 'INVALID', issue.message, 'see examples/agreements/')];
  }
}

function validDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The checks of meaning, on a file the schema accepted. */
function validateAgreement(file: AgreementFile, context: AgreementContext): AgreementIssue[] {
  const issues: AgreementIssue[] = [];
  const error = (path: Path, code: string, message: string, fix: string): void => {
    issues.push({ severity: 'error', code, path, message: `${formatPath(path)}: ${message}`, fix });
  };
  const known = new Map(context.organisations.map((o) => [o.id, o]));
  const partyIds = file.parties.map((p) => p.organisation);
  file.parties.forEach((p, i) => {
    const org = known.get(p.organisation);
    if (org === undefined)
      error(
        ['parties', i, 'organisation'],
        'PARTY_UNKNOWN',
        `there is no organisation ${JSON.stringify(p.organisation)}${didYouMean(suggest(p.organisation, [...known.keys()], { limit: 1 }))}`,
        known.size === 0
          ? 'add it first with svd access org add'
          : `use one of: ${[...known.keys()].join(', ')}, or add it with svd access org add`,
      );
    else if (org.retired_at !== null)
      error(
        ['parties', i, 'organisation'],
        'PARTY_RETIRED',
        `${p.organisation} was retired on ${org.retired_at.slice(0, 10)}`,
        'a retired organisation cannot enter an agreement: remove it from the parties',
      );
    if (partyIds.indexOf(p.organisation) !== i)
      error(
        ['parties', i, 'organisation'],
        'PARTY_REPEATED',
        `${p.organisation} is listed twice`,
        'list each party once',
      );
  });
  file.datasets.forEach((d, i) => {
    if (d.supplier === undefined) return;
    const party = file.parties.find((p) => p.organisation === d.supplier);
    if (party === undefined || party.type === 'recipient')
      error(
        ['datasets', i, 'supplier'],
        'SUPPLIER_NOT_A_CONTROLLER',
        `the supplier ${d.supplier} is not a controller party of the agreement`,
        'list the supplier among the parties with type controller or joint-controller',
      );
  });
  if (file.legal_basis.includes('other') && file.legal_basis_note === undefined)
    error(
      ['legal_basis'],
      'LEGAL_BASIS_UNEXPLAINED',
      '"other" is given without saying which basis',
      'add legal_basis_note: with the basis relied on',
    );
  const special = file.datasets.filter((d) => isSpecialDataset(d.kind)).map((d) => d.kind);
  const level: Level = file.level ?? 'aggregate';
  if (special.length > 0 && level !== 'aggregate') {
    const kinds = [...new Set(special)].join(', ');
    if (level === 'record')
      error(
        ['level'],
        'HEALTH_RECORD_LEVEL',
        `record-level sharing of ${kinds} is refused: the PCSC Act 2022 s16(4) does not permit the disclosure of patient or social-care personal information under the Serious Violence Duty`,
        'use level: aggregate (or pseudonymised-record with an Art 9 basis), or share the other datasets under a separate agreement',
      );
    else if (!file.legal_basis.some((b) => ARTICLE_9_BASES.includes(b)))
      error(
        ['level'],
        'HEALTH_NEEDS_ARTICLE_9',
        `${level} sharing of ${kinds} (special category data) needs a UK GDPR Art 9 condition`,
        `add ${ARTICLE_9_BASES.join(' or ')} to legal_basis, or use level: aggregate`,
      );
  }
  const least = leastCellSize(file.datasets.map((d) => d.kind));
  if (file.min_cell_size !== undefined && file.min_cell_size < least)
    error(
      ['min_cell_size'],
      'CELL_SIZE_TOO_SMALL',
      `${file.min_cell_size} is below the public minimum of ${least}${least === HEALTH_MINIMUM ? ' for health data (the NHS rule)' : ''}`,
      `use ${least} or more`,
    );
  for (const key of ['start', 'review', 'expiry'] as const)
    if (!validDate(file[key]))
      error([key], 'BAD_DATE', `${JSON.stringify(file[key])} is not a date`, FIXES[key]!);
  if (issues.some((i) => i.code === 'BAD_DATE')) return issues;
  if (file.expiry <= file.start)
    error(
      ['expiry'],
      'EXPIRY_NOT_AFTER_START',
      `the agreement expires (${file.expiry}) on or before it starts (${file.start})`,
      'give an expiry date after the start date',
    );
  if (file.review > file.expiry)
    error(
      ['review'],
      'REVIEW_AFTER_EXPIRY',
      `the review (${file.review}) falls after the expiry (${file.expiry})`,
      'give a review date on or before the expiry date',
    );
  if (file.review < file.start)
    error(
      ['review'],
      'REVIEW_BEFORE_START',
      `the review (${file.review}) falls before the start (${file.start})`,
      'give a review date between the start and the expiry',
    );
  return issues;
}

function normalise(file: AgreementFile): AgreementTerms {
  const kinds = file.datasets.map((d) => d.kind);
  return {
    id: file.id,
    title: file.title,
    parties: file.parties,
    purpose: file.purpose,
    legal_basis: file.legal_basis,
    legal_basis_note: file.legal_basis_note ?? null,
    dpia: file.dpia,
    datasets: file.datasets.map((d) => ({ kind: d.kind, supplier: d.supplier ?? null })),
    level: file.level ?? 'aggregate',
    level_stated: file.level !== undefined,
    fields_withheld: [...new Set(file.fields_withheld ?? [])].sort(),
    geography: file.geography,
    min_cell_size: file.min_cell_size ?? leastCellSize(kinds),
    min_cell_size_stated: file.min_cell_size !== undefined,
    audiences: file.audiences,
    start: file.start,
    review: file.review,
    expiry: file.expiry,
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export function agreementHash(terms: AgreementTerms): string {
  return createHash('sha256').update(canonical(terms)).digest('hex');
}

/**
 * Parses and checks an agreement; problems in the text are returned, not thrown. Only a text too
 * large or too complex to read at all (`YAML_TOO_COMPLEX`) throws.
 */
export function readAgreementText(
  text: string,
  context: AgreementContext,
  file = 'the agreement',
): AgreementReadResult {
  const { value, lines, syntax } = parseBoundedYaml(text, { file });
  if (syntax.length > 0)
    return {
      terms: undefined,
      contentHash: undefined,
      issues: yamlSyntaxIssues(syntax).map((i) => ({
        ...i,
        fix: 'correct the YAML at the line named',
      })),
    };
  const withLines = (issues: AgreementIssue[]): AgreementIssue[] =>
    issues.map((i) => {
      const line = i.line ?? lineOf(lines, i.path);
      return line === undefined ? i : { ...i, line };
    });
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      terms: undefined,
      contentHash: undefined,
      issues: [
        {
          severity: 'error',
          code: 'NOT_AN_AGREEMENT',
          path: [],
          message: `(top level): expected a mapping with id, title, parties, purpose, legal_basis, dpia, datasets, geography, audiences, start, review and expiry; found ${describeValue(value)}`,
          fix: 'start from examples/agreements/oxfordshire-violence-sharing.yaml',
          line: 1,
        },
      ],
    };
  const parsed = agreementSchema.safeParse(value);
  if (!parsed.success)
    return {
      terms: undefined,
      contentHash: undefined,
      issues: withLines(parsed.error.issues.flatMap((i) => schemaIssue(i, value))),
    };
  const issues = withLines(validateAgreement(parsed.data, context));
  if (issues.some((i) => i.severity === 'error'))
    return { terms: undefined, contentHash: undefined, issues };
  const terms = normalise(parsed.data);
  return { terms, contentHash: agreementHash(terms), issues };
}

export function agreementError(file: string, issues: readonly AgreementIssue[]): SvdError {
  const errors = issues.filter((i) => i.severity === 'error');
  const problems: Problem[] = errors.map((i) => ({
    file,
    ...(i.line === undefined ? {} : { line: i.line }),
    ...(i.path.length === 0 ? {} : { field: formatPath(i.path) }),
    // The field is named beside the message: its path is not repeated in it.
    message: `${i.path.length === 0 ? i.message : i.message.replace(`${formatPath(i.path)}: `, '')} (fix: ${i.fix})`,
  }));
  const first = errors[0];
  return new SvdError({
    kind: 'input',
    code: 'AGREEMENT_INVALID',
    message: `the agreement has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was stored`,
    location: {
      file,
      ...(first?.line === undefined ? {} : { line: first.line }),
      ...(first === undefined || first.path.length === 0 ? {} : { field: formatPath(first.path) }),
    },
    problems,
    fix:
      errors.length === 1 && first !== undefined
        ? first.fix
        : 'correct the file at the places named (each with its fix), then add it again',
  });
}

/** Reads and checks an agreement file; throws AGREEMENT_INVALID with every problem. */
export function readAgreementFile(
  path: string,
  context: AgreementContext,
  label: string = path,
): { terms: AgreementTerms; contentHash: string; text: string } {
  const text = readYamlFile(path, label, {
    code: 'AGREEMENT_NOT_FOUND',
    noun: 'agreement',
    fix: 'check the path (an example: examples/agreements/oxfordshire-violence-sharing.yaml)',
  });
  const result = readAgreementText(text, context, label);
  if (result.terms === undefined || result.contentHash === undefined)
    throw agreementError(label, result.issues);
  return { terms: result.terms, contentHash: result.contentHash, text };
}
