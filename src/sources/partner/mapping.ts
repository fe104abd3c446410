/**
 * Column mappings: YAML files that say which column of a partner's extract holds which canonical
 * field, and how its values translate into svd's vocabulary (`src/core/vocabulary.ts`). A mapping
 * is validated once, with messages naming its file, line and key; a column holding a name, date
 * of birth or address may only feed a pseudonymised or derived field.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { lineOf, parseBoundedYaml } from '../../core/boundedYaml.js';
import { SvdError, type Problem } from '../../core/errors.js';
import {
  ASSAULT_METHODS,
  INCIDENT_FLAGS,
  LOCATION_TYPES,
  SEXES,
  STATUTES,
  parseAgeBand,
} from '../../core/vocabulary.js';

export type MappingKind = 'force-extract' | 'istv' | 'istv-counts';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const column = z.string().min(1);

const plain = z.strictObject({ column });
const translated = z.strictObject({
  column,
  /** Source value → canonical value; the source value is matched ignoring case and spaces around. */
  values: z.record(z.string(), scalar),
  /** The canonical value for any source value not listed (counted as a warning). */
  otherwise: scalar.optional(),
});
const optionallyTranslated = z.strictObject({
  column,
  values: z.record(z.string(), scalar).optional(),
  otherwise: scalar.optional(),
});
const dateTime = z.union([
  z.strictObject({ column }),
  z.strictObject({ date: column, time: column.optional() }),
]);
const flag = z.strictObject({
  column,
  true_values: z.array(scalar).min(1),
  false_values: z.array(scalar).default([]),
});
const location = z.union([
  z.strictObject({ longitude: column, latitude: column }),
  z.strictObject({ easting: column, northing: column }),
]);

const forceFields = z.strictObject({
  crime_reference: plain,
  recorded_date: dateTime.optional(),
  committed_from: dateTime,
  committed_to: dateTime.optional(),
  offence_code: plain,
  /** Home Office class/sub-classification (8/1, 008/01, 8N/01 …), stored as 8/1. */
  offence_subcode: plain.optional(),
  offence_description: plain.optional(),
  statute: translated.optional(),
  crime_type: plain.optional(),
  flags: z.record(z.string(), flag).default({}),
  victim_id: plain.optional(),
  victim_age: plain.optional(),
  victim_age_band: optionallyTranslated.optional(),
  victim_date_of_birth: plain.optional(),
  victim_sex: translated.optional(),
  suspect_id: plain.optional(),
  suspect_age: plain.optional(),
  suspect_age_band: optionallyTranslated.optional(),
  suspect_date_of_birth: plain.optional(),
  suspect_sex: translated.optional(),
  location: location.optional(),
  location_type: translated.optional(),
  lsoa: plain.optional(),
  lsoa_name: plain.optional(),
  outcome: plain.optional(),
});

const istvFields = z.strictObject({
  site_code: plain.optional(),
  arrival: dateTime,
  assault: dateTime.optional(),
  assault_method: translated,
  assault_method_other: plain.optional(),
  location_type: translated,
  location_description: plain.optional(),
});

const istvCountFields = z.strictObject({
  site_code: plain.optional(),
  /** The month counted: a date in it, or YYYY-MM. */
  month: plain,
  assault_method: translated.optional(),
  location_type: translated.optional(),
  count: plain,
});

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower case letters, digits and hyphens'),
  description: z.string().optional(),
  /** Excel serial day numbers: 1900 (Windows Excel, LibreOffice) or 1904 (old Mac Excel). */
  date_system: z.union([z.literal(1900), z.literal(1904)]).default(1900),
};

const mappingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('force-extract'),
    ...common,
    /** The police.uk force slug stored with each incident, e.g. thames-valley. */
    force: z.string().regex(/^[a-z][a-z-]*$/, 'use a police.uk force slug such as thames-valley'),
    /** Which date decides an incident's month: the committed-from date (default) or the recorded date. */
    month_basis: z.enum(['committed-from', 'recorded']).default('committed-from'),
    /** Marks the extract as synthetic (generated), as svd's own generator does. */
    synthetic: z.boolean().default(false),
    fields: forceFields,
  }),
  z.strictObject({
    kind: z.literal('istv'),
    ...common,
    synthetic: z.boolean().default(false),
    fields: istvFields,
  }),
  z.strictObject({
    kind: z.literal('istv-counts'),
    ...common,
    synthetic: z.boolean().default(false),
    fields: istvCountFields,
  }),
]);

export type ForceExtractMapping = Extract<
  z.output<typeof mappingSchema>,
  { kind: 'force-extract' }
>;
export type IstvMapping = Extract<z.output<typeof mappingSchema>, { kind: 'istv' }>;
export type IstvCountsMapping = Extract<z.output<typeof mappingSchema>, { kind: 'istv-counts' }>;
export type MappingSpec = z.output<typeof mappingSchema>;
export type DateTimeSpec = z.output<typeof dateTime>;

export interface LoadedMapping<M extends MappingSpec = MappingSpec> {
  spec: M;
  /** The file as named, or `built-in:NAME` for a mapping shipped with svd. */
  display: string;
  text: string;
  sha256: string;
  /** Every column of the extract the mapping reads (header names as written in the mapping). */
  columns: string[];
}

/** Fields fed by identifiers that are stored only as keyed hashes. */
const PSEUDONYMISED = new Set(['crime_reference', 'victim_id', 'suspect_id']);
/** Fields from which something else is derived and which are not stored themselves. */
const DERIVED = new Set(['victim_date_of_birth', 'suspect_date_of_birth']);

/** Column headers that name a person, their birth date or their address. */
export const PERSONAL_HEADER =
  /^\s*names?\s*$|\b(victim|suspect|offender|person|witness|patient|informant|complainant|subject|first|last|full|given|family|middle|maiden)[ _-]*names?\b|\b(forenames?|surnames?)\b|\bd\.?o\.?b\b|date[ _-]*of[ _-]*birth|birth[ _-]*date|\baddress(es)?\b|\baddr\b|post[ _-]*code|house[ _-]*(number|no)\b|street[ _-]*(name|address)|\b(tele)?phone\b|\bmobile\b|\be-?mail\b|nhs[ _-]*(no|number)|\bni[ _-]*number|national[ _-]*insurance/i;

const MAPPINGS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../mappings',
);

/** The mappings shipped with svd (`mappings/<kind>/<name>.yaml`). */
export function builtInMappings(
  kind?: MappingKind,
): { kind: string; name: string; file: string }[] {
  const out: { kind: string; name: string; file: string }[] = [];
  if (!existsSync(MAPPINGS_DIR)) return out;
  for (const k of readdirSync(MAPPINGS_DIR).sort()) {
    if (kind !== undefined && k !== kind) continue;
    const dir = path.join(MAPPINGS_DIR, k);
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith('.yaml')) out.push({ kind: k, name: f.slice(0, -5), file: path.join(dir, f) });
    }
  }
  return out;
}

/** Every column named anywhere in the mapping's fields, with the field path that names it. */
function columnsOf(
  fields: Record<string, unknown>,
  prefix: string[] = [],
): { column: string; path: string[] }[] {
  const out: { column: string; path: string[] }[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (
        ['column', 'date', 'time', 'longitude', 'latitude', 'easting', 'northing'].includes(k) &&
        typeof v === 'string'
      ) {
        out.push({ column: v, path: [...prefix, key, k] });
      }
    }
    if (key === 'flags')
      out.push(...columnsOf(value as Record<string, unknown>, [...prefix, 'flags']));
  }
  return out;
}

const CANONICAL: Record<string, { values: readonly string[]; what: string }> = {
  victim_sex: { values: SEXES, what: 'a sex' },
  suspect_sex: { values: SEXES, what: 'a sex' },
  location_type: { values: Object.keys(LOCATION_TYPES), what: 'a location type' },
  statute: { values: Object.keys(STATUTES), what: 'a statute' },
  assault_method: { values: ASSAULT_METHODS, what: 'an assault method' },
};

function semanticProblems(spec: MappingSpec): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const fields = spec.fields as Record<string, unknown>;
  for (const [field, rule] of Object.entries(CANONICAL)) {
    const f = fields[field] as { values?: Record<string, string>; otherwise?: string } | undefined;
    if (f === undefined) continue;
    for (const [from, to] of Object.entries(f.values ?? {})) {
      if (!rule.values.includes(to)) {
        problems.push({
          path: ['fields', field, 'values', from],
          message: `"${to}" is not ${rule.what} svd knows; use one of: ${rule.values.join(', ')}`,
        });
      }
    }
    if (f.otherwise !== undefined && !rule.values.includes(f.otherwise)) {
      problems.push({
        path: ['fields', field, 'otherwise'],
        message: `"${f.otherwise}" is not ${rule.what} svd knows; use one of: ${rule.values.join(', ')}`,
      });
    }
  }
  for (const field of ['victim_age_band', 'suspect_age_band']) {
    const f = fields[field] as { values?: Record<string, string> } | undefined;
    for (const [from, to] of Object.entries(f?.values ?? {})) {
      if (parseAgeBand(to) === undefined) {
        problems.push({
          path: ['fields', field, 'values', from],
          message: `"${to}" is not an age band; write bands as 18-24 or 65+`,
        });
      }
    }
  }
  if (spec.kind === 'force-extract') {
    for (const [name, f] of Object.entries(spec.fields.flags)) {
      if (!(INCIDENT_FLAGS as readonly string[]).includes(name)) {
        problems.push({
          path: ['fields', 'flags', name],
          message: `"${name}" is not a flag svd knows; use one of: ${INCIDENT_FLAGS.join(', ')}`,
        });
      }
      const both = f.true_values.filter((v) =>
        f.false_values.some((w) => w.trim().toLowerCase() === v.trim().toLowerCase()),
      );
      if (both.length > 0) {
        problems.push({
          path: ['fields', 'flags', name, 'false_values'],
          message: `${both.map((v) => `"${v}"`).join(', ')} is listed as both true and false`,
        });
      }
    }
  }
  for (const { column: col, path: p } of columnsOf(fields)) {
    const field = p[0] === 'flags' ? 'flags' : p[0]!;
    if (PERSONAL_HEADER.test(col) && !PSEUDONYMISED.has(field) && !DERIVED.has(field)) {
      problems.push({
        path: ['fields', ...p],
        message: `column "${col}" looks like a name, date of birth or address, and ${field} would store it as it is; personal data may only feed a pseudonymised field (crime_reference, victim_id, suspect_id) or a derived one (victim_date_of_birth, suspect_date_of_birth → age and age band)`,
      });
    }
  }
  return problems;
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_union' || issue.code === 'invalid_type') {
    const last = issue.path.at(-1);
    if (issue.code === 'invalid_type' && issue.message.includes('received undefined'))
      return `"${String(last)}" is required here`;
    if (
      ['committed_from', 'committed_to', 'recorded_date', 'arrival', 'assault'].includes(
        String(last),
      )
    )
      return 'give either { column: NAME } (date and time in one column) or { date: NAME, time: NAME }';
    if (String(last) === 'location')
      return 'give either { longitude: NAME, latitude: NAME } or { easting: NAME, northing: NAME }';
  }
  if (issue.path.length === 1 && issue.path[0] === 'kind')
    return 'kind must be force-extract, istv or istv-counts';
  return issue.message;
}

/** Parses and validates a mapping's text; throws one SvdError listing every problem. */
export function parseMapping(text: string, display: string): LoadedMapping {
  const yaml = parseBoundedYaml(text, { file: display });
  const problems: Problem[] = yaml.syntax.map((e) => ({
    file: display,
    line: e.line,
    message: `${e.message} at line ${e.line}, column ${e.column} (fix: correct the YAML syntax)`,
  }));
  const lineAt = (keys: readonly PropertyKey[]): number | undefined =>
    lineOf(
      yaml.lines,
      keys.filter((k): k is string | number => typeof k !== 'symbol'),
    );
  let spec: MappingSpec | undefined;
  if (problems.length === 0) {
    const parsed = mappingSchema.safeParse(yaml.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys =
          issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
        problems.push({
          file: display,
          line: lineAt(keys),
          field: issue.path.map(String).join('.') || '(top level)',
          message: describeZodIssue(issue),
        });
      }
    } else {
      spec = parsed.data;
      for (const p of semanticProblems(spec)) {
        problems.push({
          file: display,
          line: lineAt(p.path),
          field: p.path.join('.'),
          message: p.message,
        });
      }
    }
  }
  if (problems.length > 0 || spec === undefined) {
    throw new SvdError({
      kind: 'usage',
      code: 'MAPPING_INVALID',
      message: `the mapping has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was read`,
      location: { file: display },
      problems,
      fix: 'correct the mapping (see docs/mappings.md for every key), or start from a built-in one: `svd mappings`',
    });
  }
  const columns = [
    ...new Set(columnsOf(spec.fields as Record<string, unknown>).map((c) => c.column)),
  ];
  return {
    spec,
    display,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    columns,
  };
}

/** A mapping by built-in name or file path, checked to be of the expected kind. */
export function loadMapping<K extends MappingKind>(
  nameOrFile: string,
  kinds: readonly K[],
  cwd: string = process.cwd(),
): LoadedMapping<Extract<MappingSpec, { kind: K }>> {
  const builtIn = builtInMappings().find((m) => m.name === nameOrFile);
  let file: string;
  let display: string;
  if (builtIn !== undefined && !nameOrFile.includes('/') && !nameOrFile.endsWith('.yaml')) {
    file = builtIn.file;
    display = `built-in:${builtIn.name}`;
  } else {
    file = path.resolve(cwd, nameOrFile);
    display = nameOrFile;
    if (!existsSync(file)) {
      const names = builtInMappings()
        .filter((m) => (kinds as readonly string[]).includes(m.kind))
        .map((m) => m.name);
      throw new SvdError({
        kind: 'usage',
        code: 'NO_SUCH_MAPPING',
        message: `no mapping file or built-in mapping called "${nameOrFile}"`,
        location: { file: nameOrFile },
        fix: `give the path of a mapping YAML file, or one of the built-in mappings: ${names.join(', ') || '(none)'}`,
      });
    }
  }
  const loaded = parseMapping(readFileSync(file, 'utf8'), display);
  if (!(kinds as readonly string[]).includes(loaded.spec.kind)) {
    throw new SvdError({
      kind: 'usage',
      code: 'MAPPING_WRONG_KIND',
      message: `this is a mapping for ${loaded.spec.kind}, not for ${kinds.join(' or ')}`,
      location: { file: display },
      fix: 'give a mapping whose kind matches the command',
    });
  }
  return loaded as LoadedMapping<Extract<MappingSpec, { kind: K }>>;
}

/** Canonical form used to match source values: trimmed, lower case, inner spaces collapsed. */
export const valueKey = (v: string): string => v.trim().replace(/\s+/g, ' ').toLowerCase();

/** A translator for a `values` map: canonical value, `undefined` for empty, or `null` when unlisted. */
export function translator(
  spec: { values?: Record<string, string>; otherwise?: string | undefined } | undefined,
): (raw: string) => { value: string | undefined; otherwise: boolean } | null {
  const map = new Map(Object.entries(spec?.values ?? {}).map(([k, v]) => [valueKey(k), v]));
  return (raw) => {
    const key = valueKey(raw);
    const hit = map.get(key);
    if (hit !== undefined) return { value: hit, otherwise: false };
    if (key === '') return { value: undefined, otherwise: false };
    if (spec?.values === undefined) return { value: raw.trim(), otherwise: false };
    if (spec.otherwise !== undefined) return { value: spec.otherwise, otherwise: true };
    return null;
  };
}
