/**
 * The strategy file: the shipped example reads, and import → export → import gives the same
 * strategy (and export → import → export the same text); problems are named at their place, with
 * the line, and the fix.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStrategyText } from '../../src/strategy/readStrategy.js';
import { type StrategyIssue } from '../../src/strategy/strategyIssue.js';
import { strategyContext } from '../../src/strategy/strategyContext.js';
import type { StrategyContext } from '../../src/strategy/validateStrategy.js';
import { strategyToYaml } from '../../src/strategy/writeStrategy.js';
import { REPO } from '../helpers/paths.js';

const EXAMPLE = readFileSync(path.join(REPO, 'examples', 'oxfordshire-strategy.yaml'), 'utf8');
let context: StrategyContext;

beforeAll(async () => {
  context = await strategyContext();
});

/** The example with one value set (or removed, with undefined) at a dotted path. */
function edited(at: string, value: unknown): string {
  const doc = parse(EXAMPLE) as Record<string, unknown>;
  const parts = at.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return stringify(doc);
}

function messages(text: string): string[] {
  const r = readStrategyText(text, context);
  expect(r.strategy).toBeUndefined();
  return r.issues.filter((i: StrategyIssue) => i.severity === 'error').map((i) => i.message);
}

describe('round trip', () => {
  it('import → export → import is the same strategy; export is stable', () => {
    const first = readStrategyText(EXAMPLE, context);
    expect(first.issues).toEqual([]);
    const exported = strategyToYaml(first.strategy!.file);
    const second = readStrategyText(exported, context);
    expect(second.strategy!.file).toEqual(first.strategy!.file);
    expect(second.strategy!.contentHash).toBe(first.strategy!.contentHash);
    expect(strategyToYaml(second.strategy!.file)).toBe(exported);
    expect(exported).toContain(
      "ILLUSTRATIVE EXAMPLE (illustrative: true): not a partnership's real strategy",
    );
    // Presets stay presets: the file is not expanded.
    expect(exported).toContain('preset: ho-knife-enabled-serious-violence\n');
    expect(exported).not.toContain(
      'definition: home-office-success-measures\n        tier: knife-enabled-serious-violence\n',
    );
  });
  it('key order, comments and layout do not change the content hash', () => {
    const a = readStrategyText(EXAMPLE, context).strategy!;
    const reordered = stringify(
      Object.fromEntries(Object.entries(parse(EXAMPLE) as object).reverse()),
    );
    expect(readStrategyText(`# a comment\n${reordered}`, context).strategy!.contentHash).toBe(
      a.contentHash,
    );
  });
});

describe('validation messages point at the place', () => {
  it('a bad date in an action, with its line', () => {
    const text = EXAMPLE.replace(
      'due: 2025-03-31\n        status: not-started',
      'due: 2025-13-31\n        status: not-started',
    );
    const r = readStrategyText(text, context);
    const issue = r.issues.find((i) => i.code === 'BAD_DATE')!;
    expect(issue.message).toBe(
      'priorities[1].actions[1].due: "2025-13-31" is not a date; write YYYY-MM-DD, e.g. 2025-03-31',
    );
    expect(text.split('\n')[issue.line! - 1]).toContain('due: 2025-13-31');
  });
  it('unknown fields and values, with suggestions', () => {
    expect(messages(edited('priorities.0.actions.0.statuss', 'x'))).toContain(
      'priorities[0].actions[0].statuss: unknown field "statuss" (did you mean "status"?)',
    );
    expect(messages(edited('priorities.0.actions.0.status', 'in progress')).join('\n')).toMatch(
      /^priorities\[0\]\.actions\[0\]\.status: unknown status "in progress" \(did you mean "in-progress"\?\); use one of not-started, in-progress, completed, on-hold, cancelled$/m,
    );
    expect(messages(edited('priorities.0.actions.0.lead.kind', 'charity'))[0]).toMatch(
      /^priorities\[0\]\.actions\[0\]\.lead\.kind: unknown kind "charity".*use one of police, fire-and-rescue, integrated-care-board, local-authority, youth-offending-team, probation, school, prison, youth-custody$/,
    );
    expect(messages(edited('priorities.0.actions.0.lead', undefined))).toEqual([
      'priorities[0].actions[0]: missing "lead"',
    ]);
  });
  it('meaning: duplicate ids, unknown objectives, dates out of order', () => {
    expect(messages(edited('priorities.1.actions.0.id', 'schools-knife-education'))).toEqual([
      'priorities[1].actions[0].id: the action id "schools-knife-education" is already used at priorities[0].actions[0]; ids must be unique in the strategy',
    ]);
    expect(messages(edited('priorities.0.actions.0.objective', 'hotspot-patrols'))).toEqual([
      'priorities[0].actions[0].objective: "hotspot-patrols" is not an objective of priority knife-crime; its objectives are reach-young-people, reduce-carrying',
    ]);
    expect(messages(edited('priorities.0.actions.0.due', '2024-01-01'))).toEqual([
      'priorities[0].actions[0].due: due 2024-01-01 is before the start 2024-09-01',
    ]);
  });
  it('measures: presets, definitions and tiers, periods, targets, shares and rates', () => {
    expect(messages(edited('priorities.0.measures.0.preset', 'ho-knife'))[0]).toMatch(
      /^priorities\[0\]\.measures\[0\]\.preset: no preset "ho-knife".*the presets are ho-knife-enabled-serious-violence,/,
    );
    expect(messages(edited('priorities.2.measures.0.tier', 'knife-enabled-under-26'))).toEqual([
      'priorities[2].measures[0].tier: home-office-success-measures has no tier "knife-enabled-under-26" (did you mean "knife-enabled-under-25"?); its tiers are knife-enabled-serious-violence, knife-enabled-under-25, non-domestic-homicide, non-domestic-knife-homicide, non-domestic-homicide-under-25, non-domestic-knife-homicide-under-25, sharp-object-admissions, sharp-object-admissions-under-25',
    ]);
    expect(messages(edited('priorities.1.measures.0.baseline', '2019-Q5'))).toEqual([
      'priorities[1].measures[0].baseline: "2019-Q5" is not a quarter period; write e.g. 2024-Q1',
    ]);
    expect(messages(edited('priorities.0.measures.0.baseline', '2023-24'))).toEqual([
      'priorities[0].measures[0].baseline: "2023-24" is not a financial-year period; write e.g. 2023/24',
    ]);
    expect(messages(edited('priorities.0.measures.0.target.value', 12))).toEqual([
      'priorities[0].measures[0].target: a target to decrease needs exactly one of "percent" (change from the baseline) or "value"',
    ]);
    expect(messages(edited('priorities.1.measures.0.area', undefined))).toEqual([
      'priorities[1].measures[0]: a rate per 1,000 residents needs an "area" (its population is the denominator)',
    ]);
    expect(messages(edited('priorities.2.measures.0.share_of', undefined))).toEqual([
      'priorities[2].measures[0]: a share needs "share_of": the records it is a share of',
    ]);
    expect(messages(edited('priorities.1.measures.1.filters', { crime_typ: ['Robbery'] }))).toEqual(
      [
        'priorities[1].measures[1].filters.crime_typ: unknown dimension "crime_typ" (did you mean "crime_type"?)',
      ],
    );
    expect(
      messages(
        edited('priorities.1.measures.1.target', {
          direction: 'maintain',
          percent: 5,
          by: '2027-03-31',
        }),
      ),
    ).toEqual([
      'priorities[1].measures[1].target: a "maintain" target keeps the baseline level: give neither percent nor value',
    ]);
  });
  it('not YAML, not a mapping, no priorities', () => {
    expect(messages('id: [unclosed\n')[0]).toMatch(/^not valid YAML/);
    expect(messages('- a list\n')).toEqual([
      '(top level): expected a mapping with id, title, period, vision and priorities; found a list',
    ]);
    expect(messages(edited('priorities', []))).toEqual([
      'priorities: a strategy needs at least one priority',
    ]);
  });
});
