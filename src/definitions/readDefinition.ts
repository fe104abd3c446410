/**
 * Reading a definition file (YAML, or JSON, which is YAML too): the text is parsed keeping the
 * line of every value, checked against the schema and then against the reference data, and every
 * problem is reported at once with its place in the file (`tiers[0].rules[3].codes[2]`, line 14)
 * and what to do about it. A definition that passes is identified by the hash of its content.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  describeValue,
  lineOf,
  parseBoundedYaml,
  valueAt,
  readYamlFile,
  yamlSyntaxIssues,
} from '../core/boundedYaml.js';
import { SvdError, type Problem } from '../core/errors.js';
import { didYouMean, suggest } from '../core/suggest.js';
import { INCIDENT_FLAGS } from '../core/vocabulary.js';
import { formatPath, type Definition, type DefinitionIssue, type Path } from './definitionFile.js';
import { offenceCodes, type OffenceCodeTable } from '../core/offenceCodes.js';
import { CONDITION_KEYS, definitionSchema } from './schema.js';
import { validateDefinition } from './validateDefinition.js';
import { badIdMessage } from '../core/idMessage.js';

export interface ReadResult {
  definition: Definition | undefined;
  issues: DefinitionIssue[];
}

const KIND_OF_LIST: Record<string, string> = {
  tiers: 'a definition needs at least one tier',
  rules: 'the tier has no rules; add a rule or remove the tier',
};

const ENUM_NOUNS: Record<string, string> = {
  location_types: 'location type',
  location_classes: 'location class',
  victim_sexes: 'sex',
  suspect_sexes: 'sex',
  coverage: 'coverage',
};

const EXPECTED: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** One schema problem as a message that names the place and the fix. */
function schemaIssue(issue: z.core.$ZodIssue, root: unknown): DefinitionIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = (p: Path, code: string, message: string, value?: unknown): DefinitionIssue => ({
    severity: 'error',
    code,
    path: p,
    message: `${formatPath(p) === '' ? '(top level)' : formatPath(p)}: ${message}`,
    ...(typeof value === 'string' || typeof value === 'number' ? { value: String(value) } : {}),
  });
  const last = path.at(-1);
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const isFlags = last === 'flags';
      if (last === 'victim_age' || last === 'suspect_age')
        return issue.keys.map((key) =>
          at(
            [...path, key],
            'UNKNOWN_FIELD',
            `unknown field "${key}"${didYouMean(suggest(key, ['min', 'max'], { limit: 1 }))}; an age range has min and max`,
            key,
          ),
        );
      const parent = valueAt(root, path.slice(0, -1)) as Record<string, unknown> | undefined;
      const known = isFlags
        ? [...INCIDENT_FLAGS]
        : path.length === 0
          ? Object.keys(definitionSchema.shape)
          : path.length === 2 && path[0] === 'tiers'
            ? ['id', 'label', 'description', 'rules']
            : [
                ...(typeof last === 'number' && parent !== undefined
                  ? ['id', 'label', 'notes']
                  : []),
                ...CONDITION_KEYS,
              ];
      return issue.keys.map((key) =>
        isFlags
          ? at(
              [...path, key],
              'UNKNOWN_FLAG',
              `unknown flag "${key}"${didYouMean(suggest(key, known, { limit: 1 }))}; the flags are ${INCIDENT_FLAGS.join(', ')}`,
              key,
            )
          : at(
              [...path, key],
              'UNKNOWN_FIELD',
              `unknown field "${key}"${didYouMean(suggest(key, known, { limit: 1 }))}`,
              key,
            ),
      );
    }
    case 'invalid_type': {
      if (value === undefined && typeof last === 'string') {
        return [at(path.slice(0, -1), 'MISSING_FIELD', `missing "${last}"`)];
      }
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const hint =
        issue.expected === 'array' && (typeof value === 'string' || typeof value === 'number')
          ? `; write it as a list: [${String(value)}]`
          : '';
      return [
        at(path, 'WRONG_TYPE', `expected ${expected}, found ${describeValue(value)}${hint}`, value),
      ];
    }
    case 'too_small': {
      if (issue.origin === 'array') {
        if (last === 'tiers') return [at(path, 'NO_TIERS', KIND_OF_LIST['tiers']!)];
        if (last === 'rules') return [at(path, 'EMPTY_TIER', KIND_OF_LIST['rules']!)];
        return [
          at(
            path,
            'EMPTY_LIST',
            'an empty list can never match; list at least one value, or remove the condition',
          ),
        ];
      }
      if (issue.origin === 'string') return [at(path, 'EMPTY_TEXT', 'must not be empty', value)];
      return [
        at(
          path,
          'OUT_OF_RANGE',
          `${JSON.stringify(value)} is below the least allowed, ${String(issue.minimum)}`,
          value as number,
        ),
      ];
    }
    case 'too_big':
      return [
        at(
          path,
          'OUT_OF_RANGE',
          `${JSON.stringify(value)} is above the most allowed, ${String(issue.maximum)}`,
          value as number,
        ),
      ];
    case 'invalid_value': {
      const parentKey = typeof last === 'number' ? path.at(-2) : last;
      const noun = ENUM_NOUNS[String(parentKey)] ?? 'value';
      const options = issue.values.map(String);
      return [
        at(
          path,
          'UNKNOWN_VALUE',
          `unknown ${noun} ${JSON.stringify(value)}${didYouMean(suggest(String(value), options, { limit: 1 }))}; use one of ${options.join(', ')}`,
          value,
        ),
      ];
    }
    case 'invalid_format': {
      if (last === 'effective_from')
        return [
          at(
            path,
            'BAD_DATE',
            `${JSON.stringify(value)} is not a date; write YYYY-MM-DD, e.g. 2023-01-31`,
            value,
          ),
        ];
      return [at(path, 'BAD_ID', badIdMessage(value), value)];
    }
    case 'invalid_union':
      if (last === 'victim_age' || last === 'suspect_age')
        return [
          at(
            path,
            'BAD_AGE_RANGE',
            `expected an age band such as "0-24" or "25+", or {min: 0, max: 24}; found ${describeValue(value)}`,
            typeof value === 'string' ? value : undefined,
          ),
        ];
      return [at(path, 'WRONG_TYPE', `not a valid value: ${describeValue(value)}`)];
    default:
      return [at(path, 'INVALID', issue.message)];
  }
}

/** Sorted-key JSON: the same content always gives the same text, whatever the layout. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The content hash: every field as written except `version` (and the editor's `$schema`), with
 * keys sorted, so that layout, comments and key order do not change it and neither do defaults
 * that a later svd might add.
 */
export function contentHash(content: Record<string, unknown>): string {
  const { version: _version, $schema: _schema, ...rest } = content;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/**
 * Parses and checks a definition; problems in the text are returned (see `issues`), not thrown.
 * Only a text too large or too complex to read at all (`YAML_TOO_COMPLEX`: size, aliases, nesting,
 * values; see core/boundedYaml.ts) throws, naming `origin` as the file.
 */
export function readDefinitionText(
  text: string,
  origin: string,
  table: OffenceCodeTable = offenceCodes(),
): ReadResult {
  // Offence codes look like numbers (1, 4.1, 4.10) but are text: 4.10 is not 4.1.
  const doc = parseBoundedYaml(text, { file: origin, keepAsWritten: ['codes'] });
  if (doc.syntax.length > 0)
    return {
      definition: undefined,
      issues: yamlSyntaxIssues(doc.syntax),
    };
  if (doc.value === null || typeof doc.value !== 'object' || Array.isArray(doc.value)) {
    return {
      definition: undefined,
      issues: [
        {
          severity: 'error',
          code: 'NOT_A_DEFINITION',
          path: [],
          message: `(top level): expected a mapping with id, version, title, effective_from and tiers; found ${describeValue(doc.value)}`,
          line: 1,
        },
      ],
    };
  }
  const parsed = definitionSchema.safeParse(doc.value);
  const withLines = (issues: DefinitionIssue[]): DefinitionIssue[] =>
    issues.map((i) => {
      const line = i.line ?? lineOf(doc.lines, i.path);
      return line === undefined ? i : { ...i, line };
    });
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => schemaIssue(i, doc.value));
    return { definition: undefined, issues: withLines(issues) };
  }
  const issues = withLines(validateDefinition(parsed.data, table));
  if (issues.some((i) => i.severity === 'error')) return { definition: undefined, issues };
  return {
    definition: {
      file: parsed.data,
      contentHash: contentHash(doc.value as Record<string, unknown>),
      sourceText: text,
      origin,
    },
    issues,
  };
}

/** The problems of a refused definition, as one error naming the file and each place. */
export function definitionError(file: string, issues: readonly DefinitionIssue[]): SvdError {
  const errors = issues.filter((i) => i.severity === 'error');
  const problems: Problem[] = errors.map((i) => ({
    file,
    ...(i.line === undefined ? {} : { line: i.line }),
    ...(i.value === undefined ? {} : { value: i.value }),
    message: i.message,
  }));
  return new SvdError({
    kind: 'input',
    code: 'DEFINITION_INVALID',
    message: `the definition has ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
    location: { file },
    problems,
    fix: 'correct the file at the places named, then check it with `svd definitions validate FILE`',
  });
}

/** Reads a definition file; throws the problems if it is not valid. */
export function readDefinitionFile(
  path: string,
  options: { label?: string; table?: OffenceCodeTable } = {},
): { definition: Definition; warnings: DefinitionIssue[] } {
  const label = options.label ?? path;
  const text = readYamlFile(path, label, {
    code: 'DEFINITION_NOT_FOUND',
    noun: 'definition',
    fix: 'check the path, or name a shipped definition by its id (`svd definitions list`)',
  });
  return checkedDefinition(readDefinitionText(text, label, options.table ?? offenceCodes()), label);
}

export function checkedDefinition(
  result: ReadResult,
  file: string,
): { definition: Definition; warnings: DefinitionIssue[] } {
  if (result.definition === undefined) throw definitionError(file, result.issues);
  return {
    definition: result.definition,
    warnings: result.issues.filter((i) => i.severity === 'warning'),
  };
}
