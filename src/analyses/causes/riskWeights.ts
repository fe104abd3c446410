/**
 * The weights of the neighbourhood risk index: a small versioned YAML (shipped:
 * reference/risk-index/neighbourhood-risk.yaml) naming indicators, their weights and which way
 * is risk. Read through the bounded YAML reader; every problem is named with its line and fix.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SvdError } from '../../core/errors.js';
import { describeValue, lineOf, parseBoundedYaml, readYamlFile } from '../../core/boundedYaml.js';
import { packageFile } from '../../core/packageFiles.js';
import type { Path } from '../../core/fieldPath.js';

export const SHIPPED_RISK_WEIGHTS = packageFile(
  'reference',
  'risk-index',
  'neighbourhood-risk.yaml',
);

export interface RiskWeights {
  id: string;
  version: number;
  title: string;
  file: string;
  sha256: string;
  components: readonly Readonly<{
    indicator: string;
    weight: number;
    direction: 1 | -1;
    why: string | null;
  }>[];
}

const FIX = 'see reference/risk-index/neighbourhood-risk.yaml for the layout';

export function readRiskWeights(file?: string): RiskWeights {
  const shipped = file === undefined;
  const where = file ?? SHIPPED_RISK_WEIGHTS;
  const label = shipped ? 'reference/risk-index/neighbourhood-risk.yaml' : where;
  const text = shipped
    ? readFileSync(where, 'utf8')
    : readYamlFile(where, label, {
        code: 'RISK_WEIGHTS_UNREADABLE',
        noun: 'risk index weights',
        fix: 'give the path of a weights YAML like reference/risk-index/neighbourhood-risk.yaml',
      });
  const key = JSON.stringify([label, where, text]);
  const known = parsedWeights.get(key);
  if (known !== undefined) return known;
  const weights = parseRiskWeights(text, label, shipped ? label : path.basename(where));
  // Kept by the text read, so an edited file is read again; a few files at most.
  if (parsedWeights.size >= 8) parsedWeights.delete(parsedWeights.keys().next().value!);
  parsedWeights.set(key, weights);
  return weights;
}

/**
 * The weights of each text read, by label, path and text: every Causes answer reads the same file,
 * and parsing it took about a twentieth of the answer's work on the main thread. A weights object
 * is never changed once made (it and its components are frozen), so one may serve every answer.
 */
const parsedWeights = new Map<string, RiskWeights>();

function parseRiskWeights(text: string, label: string, file: string): RiskWeights {
  const parsed = parseBoundedYaml(text, { file: label });
  const fail = (at: Path, message: string, fix = FIX): never => {
    const line = lineOf(parsed.lines, at);
    throw new SvdError({
      kind: 'input',
      code: 'BAD_RISK_WEIGHTS',
      message,
      location: {
        file: label,
        ...(line === undefined ? {} : { line }),
        ...(at.length === 0 ? {} : { field: at.join('.') }),
      },
      fix,
    });
  };
  const first = parsed.syntax[0];
  if (first !== undefined)
    throw new SvdError({
      kind: 'input',
      code: 'BAD_RISK_WEIGHTS',
      message: `not valid YAML: ${first.message}`,
      location: { file: label, line: first.line },
      fix: FIX,
    });
  const root = parsed.value;
  if (root === null || typeof root !== 'object' || Array.isArray(root))
    return fail([], `the weights must be a mapping, not ${describeValue(root)}`);
  const r = root as Record<string, unknown>;
  const known = new Set(['id', 'version', 'title', 'components', 'description']);
  for (const key of Object.keys(r))
    if (!known.has(key))
      fail([key], `unknown field "${key}"`, `use only: ${[...known].join(', ')}`);
  if (typeof r.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,79}$/.test(r.id))
    fail(['id'], `id must be lower-case letters, digits and hyphens, not ${describeValue(r.id)}`);
  if (typeof r.version !== 'number' || !Number.isInteger(r.version) || r.version < 1)
    fail(['version'], `version must be a whole number from 1, not ${describeValue(r.version)}`);
  if (typeof r.title !== 'string' || r.title.trim() === '')
    fail(['title'], `title must be text, not ${describeValue(r.title)}`);
  if (!Array.isArray(r.components) || r.components.length === 0)
    fail(
      ['components'],
      `components must be a list of at least one, not ${describeValue(r.components)}`,
    );
  const components = (r.components as unknown[]).map((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c))
      return fail(['components', i], `a component must be a mapping, not ${describeValue(c)}`);
    const o = c as Record<string, unknown>;
    for (const key of Object.keys(o))
      if (!['indicator', 'weight', 'direction', 'why'].includes(key))
        fail(
          ['components', i, key],
          `unknown field "${key}"`,
          'use only: indicator, weight, direction, why',
        );
    if (typeof o.indicator !== 'string' || o.indicator.trim() === '')
      fail(
        ['components', i, 'indicator'],
        `indicator must be an indicator id (svd indicators list), not ${describeValue(o.indicator)}`,
      );
    if (typeof o.weight !== 'number' || !(o.weight > 0) || o.weight > 100)
      fail(
        ['components', i, 'weight'],
        `weight must be a number above 0 and at most 100, not ${describeValue(o.weight)}`,
      );
    if (o.direction !== 'higher-is-risk' && o.direction !== 'lower-is-risk')
      fail(
        ['components', i, 'direction'],
        `direction must be higher-is-risk or lower-is-risk, not ${describeValue(o.direction)}`,
      );
    if (o.why !== undefined && typeof o.why !== 'string')
      fail(['components', i, 'why'], `why must be text, not ${describeValue(o.why)}`);
    return {
      indicator: (o.indicator as string).trim(),
      weight: o.weight as number,
      direction: (o.direction === 'higher-is-risk' ? 1 : -1) as 1 | -1,
      why: typeof o.why === 'string' ? o.why : null,
    };
  });
  const seen = new Set<string>();
  components.forEach((c, i) => {
    if (seen.has(c.indicator))
      fail(
        ['components', i, 'indicator'],
        `${c.indicator} is named twice`,
        'name each indicator once',
      );
    seen.add(c.indicator);
  });
  return Object.freeze({
    id: r.id as string,
    version: r.version as number,
    title: r.title as string,
    file,
    sha256: createHash('sha256').update(text).digest('hex'),
    components: Object.freeze(components.map((c) => Object.freeze(c))),
  });
}
