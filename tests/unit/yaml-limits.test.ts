/**
 * YAML read within bounds (core/boundedYaml.ts): a file of nested aliases ("billion laughs"), ten
 * thousand nested lists, an oversized file and too many aliases are refused by every reader —
 * definitions, strategies, mappings — with YAML_TOO_COMPLEX naming the file, the line, the limit
 * and the fix, before anything is expanded; every shipped file reads with a wide margin. The reads
 * are synchronous, so a regression that expands the bomb ends only when memory runs out: the
 * integration test (tests/integration/yaml-limits.test.ts) also runs the compiled command as a
 * process stopped after ten seconds.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBoundedYaml, YAML_LIMITS, type YamlLimits } from '../../src/core/boundedYaml.js';
import { SvdError } from '../../src/core/errors.js';
import { readDefinitionText } from '../../src/definitions/readDefinition.js';
import { builtInMappings, parseMapping } from '../../src/sources/partner/mapping.js';
import { readStrategyText } from '../../src/strategy/readStrategy.js';
import { strategyContext } from '../../src/strategy/strategyContext.js';
import type { StrategyContext } from '../../src/strategy/validateStrategy.js';
import { REPO } from '../helpers/paths.js';
import { billionLaughs, nestedLists } from '../helpers/yamlBombs.js';

/** Long enough for the work a bounded read does (well under a second). */
const BOUNDED = 10_000;

let context: StrategyContext;
beforeAll(async () => {
  context = await strategyContext();
});

/** The error a read throws; the test fails if it throws none or another kind. */
function refusal(read: () => unknown): SvdError {
  try {
    read();
  } catch (error) {
    if (error instanceof SvdError) return error;
    throw error;
  }
  throw new Error('the text was read, not refused');
}

/** The three readers of YAML files, each naming the file as given. */
const READERS: [string, (text: string, file: string) => unknown][] = [
  ['the definition reader', (text, file) => readDefinitionText(text, file)],
  ['the strategy reader', (text, file) => readStrategyText(text, context, file)],
  ['the mapping reader', (text, file) => parseMapping(text, file)],
];

describe('a file of nested aliases ("billion laughs")', () => {
  const bomb = billionLaughs();

  it.each(READERS)(
    'is refused by %s at the line where the values pass the limit',
    (_name, read) => {
      const e = refusal(() => read(bomb, 'bomb.yaml'));
      expect(e.kind).toBe('input');
      expect(e.code).toBe('YAML_TOO_COMPLEX');
      // a: 11 keys and values, b: 92, c: 821, d: 7,382, e: 66,431 — f passes 100,000.
      expect(e.location).toEqual({ file: 'bomb.yaml', line: 6, field: 'f[0]' });
      expect(e.message).toBe(
        'the YAML holds more than 100,000 keys and values once its aliases are written out; svd reads at most 100,000 (limit: values)',
      );
      expect(e.fix).toMatch(/^write the values out instead of using aliases/);
    },
    BOUNDED,
  );

  it(
    'is counted as it is walked: a lower limit stops it at an earlier line',
    () => {
      const stoppedAt = (maxNodes: number): number | undefined =>
        refusal(() => parseBoundedYaml(bomb, { file: 'bomb.yaml', limits: { maxNodes } })).location
          .line;
      expect([100, 1_000, 10_000].map(stoppedAt)).toEqual([2, 4, 5]);
    },
    BOUNDED,
  );
});

describe('deep nesting', () => {
  it.each(READERS)(
    '10,000 nested lists are refused by %s before the YAML library builds them',
    (_name, read) => {
      const e = refusal(() => read(nestedLists(10_000), 'deep.yaml'));
      expect(e.code).toBe('YAML_TOO_COMPLEX');
      expect(e.kind).toBe('input');
      expect(e.location).toEqual({ file: 'deep.yaml', line: 1 });
      expect(e.message).toMatch(/more than 64 levels deep; svd reads at most 64 \(limit: depth\)$/);
      expect(e.fix).toMatch(/fewer levels/);
    },
    BOUNDED,
  );

  it(
    'indented mappings: refused at the line of the first level too many',
    () => {
      const text = Array.from({ length: 100 }, (_, i) => `${' '.repeat(2 * i)}a:`).join('\n');
      const e = refusal(() => readDefinitionText(`${text} 1\n`, 'deep.yaml'));
      expect(e.location).toEqual({ file: 'deep.yaml', line: YAML_LIMITS.maxDepth + 1 });
      expect(e.message).toMatch(/\(limit: depth\)$/);
    },
    BOUNDED,
  );

  it(
    'an alias inside the value it names is refused, not followed without end',
    () => {
      const e = refusal(() => readDefinitionText('id: x\nloop: &a [*a]\n', 'loop.yaml'));
      expect(e.code).toBe('YAML_TOO_COMPLEX');
      expect(e.location).toEqual({ file: 'loop.yaml', line: 2, field: 'loop[0]' });
      expect(e.message).toMatch(/\(limit: depth\)$/);
      expect(e.fix).toMatch(/aliases.*repeats itself without end/);
    },
    BOUNDED,
  );
});

describe('size', () => {
  it.each(READERS)(
    'a file over the size limit is refused by %s at the line where it passes the limit',
    (_name, read) => {
      const line = 'key: value\n'; // 11 bytes
      const lines = Math.floor(YAML_LIMITS.maxBytes / line.length) + 10;
      const e = refusal(() => read(line.repeat(lines), 'big.yaml'));
      expect(e.code).toBe('YAML_TOO_COMPLEX');
      expect(e.location).toEqual({
        file: 'big.yaml',
        line: Math.floor(YAML_LIMITS.maxBytes / line.length) + 1,
      });
      expect(e.message).toBe(
        `the file is ${(lines * line.length).toLocaleString('en-GB')} bytes; svd reads YAML of at most 1,048,576 bytes (limit: size)`,
      );
      expect(e.fix).toMatch(/^split the file/);
    },
    BOUNDED,
  );

  it('counts bytes of UTF-8, not characters', () => {
    const text = 'a: é\nb: é\n'; // 10 characters, 12 bytes
    const at = (maxBytes: number): number | undefined =>
      refusal(() => parseBoundedYaml(text, { file: 'x.yaml', limits: { maxBytes } })).location.line;
    expect(at(5)).toBe(1); // 'a: é' is 5 bytes; its line end is the 6th
    expect(at(8)).toBe(2);
    expect(at(11)).toBe(2);
    expect(parseBoundedYaml(text, { file: 'x.yaml', limits: { maxBytes: 12 } }).value).toEqual({
      a: 'é',
      b: 'é',
    });
  });
});

describe('aliases', () => {
  it(
    'more aliases than the limit are refused at the line of the first one too many',
    () => {
      const text = `a: &a 1\n${Array.from({ length: 150 }, (_, i) => `b${i}: *a`).join('\n')}\n`;
      const e = refusal(() => readDefinitionText(text, 'aliases.yaml'));
      expect(e.code).toBe('YAML_TOO_COMPLEX');
      expect(e.location).toEqual({ file: 'aliases.yaml', line: YAML_LIMITS.maxAliases + 2 });
      expect(e.message).toBe(
        'the YAML uses more than 100 aliases (*name); svd follows at most 100 (limit: aliases)',
      );
      expect(e.fix).toMatch(/^write the values out instead of using aliases/);
    },
    BOUNDED,
  );

  it('within the limits, an alias reads as the value it names, at the lines it was written', () => {
    const read = parseBoundedYaml('a: &x [1, 2]\nb: *x\n', { file: 'x.yaml' });
    expect(read.value).toEqual({ a: [1, 2], b: [1, 2] });
    expect(read.lines.get('b[1]')).toBe(1);
  });
});

describe('keys', () => {
  it(
    'a key repeated among 40,000 is found, at its line (in one pass: the library compares each key with all before it)',
    () => {
      const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n');
      const r = readDefinitionText(`${keys}\nk7: 2\n`, 'keys.yaml');
      expect(r.definition).toBeUndefined();
      expect(r.issues.map((i) => [i.code, i.line, i.message])).toEqual([
        ['YAML_SYNTAX', 40_001, 'not valid YAML: Map keys must be unique'],
      ]);
    },
    BOUNDED,
  );

  it('"__proto__" is a key like any other, named at its line', () => {
    const text = readFileSync(path.join(REPO, 'definitions', 'police-uk-proxy.yaml'), 'utf8');
    const lines = text.split('\n').length;
    const r = readDefinitionText(`${text}__proto__: { a: 1 }\n`, 'proto.yaml');
    expect(r.issues.map((i) => [i.code, i.line, i.message])).toEqual([
      ['UNKNOWN_FIELD', lines, '__proto__: unknown field "__proto__"'],
    ]);
  });
});

describe('real files read with a wide margin', () => {
  /** A quarter of each limit: every shipped file must still read. */
  const quarter: YamlLimits = {
    maxBytes: YAML_LIMITS.maxBytes / 4,
    maxAliases: YAML_LIMITS.maxAliases / 4,
    maxNodes: YAML_LIMITS.maxNodes / 4,
    maxDepth: YAML_LIMITS.maxDepth / 4,
  };
  const yamlIn = (dir: string): string[] =>
    readdirSync(path.join(REPO, dir))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.join(dir, f));
  const files = [
    ...yamlIn('definitions'),
    ...yamlIn('examples'),
    ...yamlIn('tests/fixtures/strategy'),
    ...builtInMappings().map((m) => path.relative(REPO, m.file)),
  ];

  it('there are files of each kind', () => {
    expect(files.filter((f) => f.startsWith('definitions/')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.startsWith('examples/')).length).toBeGreaterThanOrEqual(1);
    expect(files.filter((f) => f.startsWith('mappings/')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('%s reads within a quarter of every limit', (file) => {
    const read = parseBoundedYaml(readFileSync(path.join(REPO, file), 'utf8'), {
      file,
      limits: quarter,
    });
    expect(read.syntax).toEqual([]);
    expect(read.value).toBeTypeOf('object');
  });
});
