/**
 * Reading a strategy file (YAML): parsed keeping the line of every value, checked against the
 * schema and then for meaning (validateStrategy.ts), every problem reported at once with its place
 * — `priorities[1].actions[0].due: "2024-13-01" is not a date …`, line 42 — and what to do.
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
import { formatPath, type Path } from '../definitions/definitionFile.js';
import { canonicalJson } from '../definitions/readDefinition.js';
import { strategySchema, type StrategyFile } from './schema.js';
import type { StrategyIssue } from './strategyIssue.js';
import { validateStrategy, type StrategyContext } from './validateStrategy.js';
import { badIdMessage } from '../core/idMessage.js';

export interface Strategy {
  file: StrategyFile;
  /** sha256 of the content (keys sorted, layout and comments ignored). */
  contentHash: string;
}

export interface StrategyReadResult {
  strategy: Strategy | undefined;
  issues: StrategyIssue[];
}

export function strategyHash(file: StrategyFile): string {
  const { $schema: _schema, ...rest } = file;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

const EXPECTED: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'a mapping',
};

/** The keys allowed at a place of the file, for "did you mean". */
function knownKeys(path: Path): string[] {
  const shape = (s: unknown): string[] =>
    Object.keys((s as { shape: Record<string, unknown> }).shape);
  const names = path.filter((p) => typeof p === 'string');
  const last = names.at(-1);
  const top = strategySchema.shape;
  if (path.length === 0) return shape(strategySchema);
  if (last === 'period' && names.length === 1) return shape(top.period);
  const pr = top.priorities.element;
  if (last === 'priorities') return shape(pr);
  if (last === 'objectives') return shape(pr.shape.objectives.unwrap().element);
  const action = pr.shape.actions.unwrap().element;
  if (last === 'actions') return shape(action);
  if (last === 'lead') return shape(action.shape.lead);
  if (last === 'updates') return shape(action.shape.updates.unwrap().element);
  const measure = pr.shape.measures.unwrap().element;
  if (last === 'measures') return shape(measure);
  if (last === 'target') return shape(measure.shape.target.unwrap());
  if (last === 'tolerance') return shape(measure.shape.tolerance.unwrap());
  if (last === 'area') return shape(measure.shape.area.unwrap());
  if (last === 'share_of') return shape(measure.shape.share_of.unwrap());
  return [];
}

function schemaIssue(issue: z.core.$ZodIssue, root: unknown): StrategyIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = (p: Path, code: string, message: string): StrategyIssue => ({
    severity: 'error',
    code,
    path: p,
    message: `${formatPath(p) === '' ? '(top level)' : formatPath(p)}: ${message}`,
  });
  const last = path.at(-1);
  const value = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        at(
          [...path, key],
          'UNKNOWN_FIELD',
          `unknown field "${key}"${didYouMean(suggest(key, knownKeys(path), { limit: 1 }))}`,
        ),
      );
    case 'invalid_type':
      if (value === undefined && typeof last === 'string')
        return [at(path.slice(0, -1), 'MISSING_FIELD', `missing "${last}"`)];
      return [
        at(
          path,
          'WRONG_TYPE',
          `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${describeValue(value)}`,
        ),
      ];
    case 'too_small':
      if (issue.origin === 'array')
        return [
          at(
            path,
            'EMPTY_LIST',
            last === 'priorities'
              ? 'a strategy needs at least one priority'
              : 'the list is empty; remove it or add an entry',
          ),
        ];
      if (issue.origin === 'string') return [at(path, 'EMPTY_TEXT', 'must not be empty')];
      return [
        at(
          path,
          'OUT_OF_RANGE',
          `${JSON.stringify(value)} is below the least allowed, ${String(issue.minimum)}`,
        ),
      ];
    case 'too_big':
      return [
        at(
          path,
          'OUT_OF_RANGE',
          `${JSON.stringify(value)} is above the most allowed, ${String(issue.maximum)}`,
        ),
      ];
    case 'invalid_value': {
      const options = issue.values.map(String);
      return [
        at(
          path,
          'UNKNOWN_VALUE',
          `unknown ${String(last).replace(/_/g, ' ')} ${JSON.stringify(value)}${didYouMean(suggest(String(value), options, { limit: 1 }))}; use one of ${options.join(', ')}`,
        ),
      ];
    }
    case 'invalid_format': {
      if (
        typeof value === 'string' &&
        ['from', 'to', 'start', 'due', 'date', 'by'].includes(String(last))
      )
        return [
          at(
            path,
            'BAD_DATE',
            `${JSON.stringify(value)} is not a date; write YYYY-MM-DD, e.g. 2025-03-31`,
          ),
        ];
      return [at(path, 'BAD_ID', badIdMessage(value))];
    }
    default:
      return [at(path, 'INVALID', issue.message)];
  }
}

/**
 * Parses and checks a strategy; problems in the text are returned (see `issues`), not thrown.
 * Only a text too large or too complex to read at all (`YAML_TOO_COMPLEX`: size, aliases, nesting,
 * values; see core/boundedYaml.ts) throws, naming `file`.
 */
export function readStrategyText(
  text: string,
  context: StrategyContext,
  file = 'the strategy',
): StrategyReadResult {
  const { value, lines, syntax } = parseBoundedYaml(text, { file });
  if (syntax.length > 0)
    return {
      strategy: undefined,
      issues: yamlSyntaxIssues(syntax),
    };
  const withLines = (issues: StrategyIssue[]): StrategyIssue[] =>
    issues.map((i) => {
      const line = i.line ?? lineOf(lines, i.path);
      return line === undefined ? i : { ...i, line };
    });
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      strategy: undefined,
      issues: [
        {
          severity: 'error',
          code: 'NOT_A_STRATEGY',
          path: [],
          message: `(top level): expected a mapping with id, title, period, vision and priorities; found ${describeValue(value)}`,
          line: 1,
        },
      ],
    };
  const parsed = strategySchema.safeParse(value);
  if (!parsed.success)
    return {
      strategy: undefined,
      issues: withLines(parsed.error.issues.flatMap((i) => schemaIssue(i, value))),
    };
  const issues = withLines(validateStrategy(parsed.data, context));
  if (issues.some((i) => i.severity === 'error')) return { strategy: undefined, issues };
  return { strategy: { file: parsed.data, contentHash: strategyHash(parsed.data) }, issues };
}

export function strategyError(file: string, issues: readonly StrategyIssue[]): SvdError {
  const errors = issues.filter((i) => i.severity === 'error');
  const problems: Problem[] = errors.map((i) => ({
    file,
    ...(i.line === undefined ? {} : { line: i.line }),
    message: i.message,
  }));
  return new SvdError({
    kind: 'input',
    code: 'STRATEGY_INVALID',
    message: `the strategy has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was stored`,
    location: { file },
    problems,
    fix: 'correct the file at the places named, then check it with `svd strategy validate FILE`',
  });
}

export function readStrategyFile(
  path: string,
  context: StrategyContext,
  label: string = path,
): { strategy: Strategy; warnings: StrategyIssue[]; text: string } {
  const text = readYamlFile(path, label, {
    code: 'STRATEGY_NOT_FOUND',
    noun: 'strategy',
    fix: 'check the path (an example: examples/oxfordshire-strategy.yaml)',
  });
  const result = readStrategyText(text, context, label);
  if (result.strategy === undefined) throw strategyError(label, result.issues);
  return {
    strategy: result.strategy,
    warnings: result.issues.filter((i) => i.severity === 'warning'),
    text,
  };
}
