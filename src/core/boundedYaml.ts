/**
 * Reading YAML within bounds: every YAML file svd reads (definitions, strategies, mappings, a
 * what-if proposal posted to the server) goes through `parseBoundedYaml`, which refuses a text
 * that is too large, writes too many aliases, nests too deep or, once its aliases are written
 * out, holds too many values — before the work or the memory grows with it. A few hundred bytes
 * of nested aliases ("billion laughs") would otherwise expand to hundreds of millions of values,
 * and ten thousand `[` exhaust the YAML library itself.
 *
 * The checks come in the order the text is read: its size before parsing; the nesting and the
 * aliases on the parser's tokens, before the document is built (building it recurses); the
 * values while the document is walked into plain data, counting each alias as all it repeats, so
 * that a bomb is stopped after at most `maxNodes` values, never expanded.
 */
import {
  Composer,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  YAMLParseError,
  type CST,
  type Document,
  type Node,
} from 'yaml';
import { readFileSync } from 'node:fs';
import { errorMessage, SvdError } from './errors.js';
import { formatPath, type Path } from './fieldPath.js';
import { YAML_LIMITS, type YamlLimits } from './yamlLimits.js';

export { YAML_LIMITS, type YamlLimits };

export interface BoundedYamlOptions {
  /** The file as the user named it, for the error. */
  file: string;
  limits?: Partial<YamlLimits>;
  /**
   * Keys under which a number is kept as the text written (offence codes look like numbers but
   * are text: 4.10 is not 4.1), directly or in a list.
   */
  keepAsWritten?: readonly string[];
}

export interface YamlSyntaxProblem {
  line: number;
  column: number;
  /** The YAML library's message, first line. */
  message: string;
}

export interface PlainYaml {
  /**
   * The document as plain data (mappings as objects, lists as arrays, aliases written out); null
   * when there are syntax problems.
   */
  value: unknown;
  /** The line of each key and value, by its path (`formatPath`). */
  lines: Map<string, number>;
  syntax: YamlSyntaxProblem[];
}

type Limit = 'size' | 'aliases' | 'nodes' | 'depth';

const number = (n: number): string => n.toLocaleString('en-GB');

const ALIAS_FIX =
  'write the values out instead of using aliases (&name … *name): an alias that repeats other aliases multiplies what is read';

/** The error for a limit crossed, at the line (and place, when known) where it was crossed. */
function tooComplex(
  file: string,
  limit: Limit,
  limits: YamlLimits,
  at: { line: number; path?: Path; throughAlias?: boolean; bytes?: number },
): SvdError {
  const field = at.path === undefined || at.path.length === 0 ? undefined : formatPath(at.path);
  const location = { file, line: at.line, ...(field === undefined ? {} : { field }) };
  const [message, fix] = ((): [string, string] => {
    switch (limit) {
      case 'size':
        return [
          `the file is ${number(at.bytes ?? 0)} bytes; svd reads YAML of at most ${number(limits.maxBytes)} bytes (limit: size)`,
          'split the file, or remove what it does not need: a definition, strategy or mapping is a few kilobytes',
        ];
      case 'aliases':
        return [
          `the YAML uses more than ${number(limits.maxAliases)} aliases (*name); svd follows at most ${number(limits.maxAliases)} (limit: aliases)`,
          ALIAS_FIX,
        ];
      case 'nodes':
        return at.throughAlias === true
          ? [
              `the YAML holds more than ${number(limits.maxNodes)} keys and values once its aliases are written out; svd reads at most ${number(limits.maxNodes)} (limit: values)`,
              ALIAS_FIX,
            ]
          : [
              `the YAML holds more than ${number(limits.maxNodes)} keys and values; svd reads at most ${number(limits.maxNodes)} (limit: values)`,
              'split the file: a definition, strategy or mapping holds a few thousand values at most',
            ];
      case 'depth':
        return [
          `the YAML nests lists and mappings more than ${number(limits.maxDepth)} levels deep; svd reads at most ${number(limits.maxDepth)} (limit: depth)`,
          at.throughAlias === true
            ? `${ALIAS_FIX}; an alias inside the value it names repeats itself without end`
            : 'write the structure with fewer levels: definitions, strategies and mappings need fewer than ten',
        ];
    }
  })();
  return new SvdError({ kind: 'input', code: 'YAML_TOO_COMPLEX', message, location, fix });
}

/** The line on which the text passes `maxBytes` bytes of UTF-8, without copying it. */
function lineAtByte(text: string, maxBytes: number): number {
  let bytes = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > maxBytes) return line;
    if (c === 10) line++;
  }
  return line;
}

/**
 * Nesting and aliases on the parser's tokens, in the order of the text, without recursion (the
 * tokens of `[[[[…` nest as deep as the text does).
 */
function checkTokens(
  tokens: readonly CST.Token[],
  limits: YamlLimits,
  fail: (limit: Limit, offset: number) => never,
): void {
  let aliases = 0;
  const stack: { token: CST.Token; depth: number }[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) stack.push({ token: tokens[i]!, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type === 'document') {
      if (token.value !== undefined) stack.push({ token: token.value, depth });
    } else if (token.type === 'alias') {
      aliases++;
      if (aliases > limits.maxAliases) fail('aliases', token.offset);
    } else if (
      token.type === 'block-map' ||
      token.type === 'block-seq' ||
      token.type === 'flow-collection'
    ) {
      if (depth + 1 > limits.maxDepth) fail('depth', token.offset);
      const inList = token.type === 'flow-collection' && token.start.source === '[';
      for (let i = token.items.length - 1; i >= 0; i--) {
        const item = token.items[i]!;
        // `[a: b]` is a list holding a mapping: one level more than its brackets show.
        const inner = depth + 1 + (inList && item.sep !== undefined ? 1 : 0);
        if (item.value !== undefined) stack.push({ token: item.value, depth: inner });
        if (item.key !== undefined && item.key !== null)
          stack.push({ token: item.key, depth: inner });
      }
    }
  }
}

/** The first document of the tokens, as `parseDocument` builds it (a second one is an error). */
function compose(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    // Repeated keys are found by indexDocument, in one pass (the library's test is quadratic).
    uniqueKeys: false,
    prettyErrors: false,
  });
  let document: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (document === undefined) document = next;
    else {
      document.errors.push(
        new YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document, if only an empty one.
  return document!;
}

/**
 * One pass over the document, in the order of the text: what each alias stands for (the last node
 * before it with its anchor, as the YAML library resolves it, but in one pass rather than a pass
 * per alias), and the keys repeated in a mapping. The library's own `uniqueKeys` compares each
 * key with every key before it, which takes minutes for a mapping of a hundred thousand keys;
 * here the same test (the same node, or scalars with the same value) is one look-up per key.
 */
function indexDocument(document: Document.Parsed): {
  targets: Map<Node, Node | undefined>;
  duplicates: YAMLParseError[];
} {
  const anchors = new Map<string, Node>();
  const targets = new Map<Node, Node | undefined>();
  const duplicates: YAMLParseError[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      targets.set(node, anchors.get(node.source));
      continue;
    }
    if (!isNode(node)) continue;
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key: unknown = pair.key;
        // NaN is not equal to itself, so two NaN keys are not the same key.
        const same = isScalar(key) ? (Number.isNaN(key.value) ? key : key.value) : key;
        if (seen.has(same) && isNode(key) && key.range)
          duplicates.push(
            new YAMLParseError(
              [key.range[0], key.range[0] + 1],
              'DUPLICATE_KEY',
              'Map keys must be unique',
            ),
          );
        seen.add(same);
      }
      for (let i = node.items.length - 1; i >= 0; i--)
        stack.push(node.items[i]!.value, node.items[i]!.key);
    } else if (isSeq(node))
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  return { targets, duplicates };
}

/** Two lists of errors as one, in the order of the text, each keeping its own order. */
function merged(a: readonly YAMLParseError[], b: readonly YAMLParseError[]): YAMLParseError[] {
  const out: YAMLParseError[] = [];
  let j = 0;
  for (const e of a) {
    while (j < b.length && b[j]!.pos[0] < e.pos[0]) out.push(b[j++]!);
    out.push(e);
  }
  return [...out, ...b.slice(j)];
}

/** Where an alias being written out was written: the outermost one, as the user sees it. */
interface ThroughAlias {
  line: number;
  path: Path;
}

/**
 * Parses YAML (1.2, core schema, keys unique in each mapping) within the limits and walks it into
 * plain data, keeping the line of every key and value. Syntax problems are returned, with their
 * lines; a crossed limit throws `YAML_TOO_COMPLEX` (kind `input`) naming the file, the line, the
 * limit and the fix.
 */
export function parseBoundedYaml(text: string, options: BoundedYamlOptions): PlainYaml {
  const limits: YamlLimits = { ...YAML_LIMITS, ...options.limits };
  const file = options.file;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes)
    throw tooComplex(file, 'size', limits, { line: lineAtByte(text, limits.maxBytes), bytes });

  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const tokens: CST.Token[] = [];
  let documents = 0;
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    tokens.push(token);
    // Only the first document is read; the second is enough to say there is more than one.
    if (token.type === 'document' && ++documents === 2) break;
  }
  checkTokens(tokens, limits, (limit, offset) => {
    throw tooComplex(file, limit, limits, { line: lineAt(offset) });
  });
  const document = compose(tokens, text.length);
  const { targets, duplicates } = indexDocument(document);
  const syntax = merged(document.errors, duplicates).map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { line, column: col, message: e.message.split('\n')[0]! };
  });
  const lines = new Map<string, number>();
  if (syntax.length > 0) return { value: null, lines, syntax };

  const keep = new Set(options.keepAsWritten ?? []);
  let nodes = 0;
  const count = (line: number | undefined, path: Path, through: ThroughAlias | undefined): void => {
    nodes++;
    if (nodes > limits.maxNodes)
      throw tooComplex(file, 'nodes', limits, {
        line: through?.line ?? line ?? 1,
        path: through?.path ?? path,
        throughAlias: through !== undefined,
      });
  };
  const enter = (
    depth: number,
    line: number | undefined,
    path: Path,
    through: ThroughAlias | undefined,
  ): void => {
    if (depth > limits.maxDepth)
      throw tooComplex(file, 'depth', limits, {
        line: through?.line ?? line ?? 1,
        path: through?.path ?? path,
        throughAlias: through !== undefined,
      });
  };
  // Recursion is safe: the tokens were checked for depth, and `enter` checks it again through
  // aliases, so the walk never goes deeper than maxDepth.
  const walk = (
    node: Node | null | undefined,
    path: Path,
    parentKey: string | undefined,
    depth: number,
    through: ThroughAlias | undefined,
  ): unknown => {
    if (node === null || node === undefined) return null;
    const line =
      node.range === undefined || node.range === null ? undefined : lineAt(node.range[0]);
    if (isAlias(node))
      return walk(targets.get(node), path, parentKey, depth, through ?? { line: line ?? 1, path });
    count(line, path, through);
    if (line !== undefined) lines.set(formatPath(path), line);
    if (isMap(node)) {
      enter(depth + 1, line, path, through);
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyLine =
          isScalar(pair.key) && pair.key.range ? lineAt(pair.key.range[0]) : undefined;
        count(keyLine ?? line, [...path, key], through);
        if (keyLine !== undefined) lines.set(formatPath([...path, key]), keyLine);
        // An own property even for "__proto__", which plain assignment would take as the prototype.
        Object.defineProperty(out, key, {
          value: walk(pair.value as Node | null, [...path, key], key, depth + 1, through),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    if (isSeq(node)) {
      enter(depth + 1, line, path, through);
      return node.items.map((item, i) =>
        walk(item as Node | null, [...path, i], parentKey, depth + 1, through),
      );
    }
    if (isScalar(node)) {
      if (
        parentKey !== undefined &&
        keep.has(parentKey) &&
        typeof node.value === 'number' &&
        node.range
      )
        return text.slice(node.range[0], node.range[1]).trim();
      return node.value;
    }
    return null;
  };
  const value = walk(document.contents as Node | null, [], undefined, 0, undefined);
  return { value, lines, syntax };
}

/** The line of the value at `path`, or else of the nearest value above it that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = lines.get(formatPath(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

/** The plain value at `path`, or undefined where there is none. */
export function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[part];
  }
  return v;
}

/** "a list", "a mapping", "the text "x"", "number 3": what a value is, for a message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The parser's syntax problems as a file's problems: each at its line, for no field. */
export function yamlSyntaxIssues(syntax: readonly YamlSyntaxProblem[]): {
  severity: 'error';
  code: 'YAML_SYNTAX';
  path: Path;
  message: string;
  line: number;
}[] {
  return syntax.map((e) => ({
    severity: 'error',
    code: 'YAML_SYNTAX',
    path: [],
    message: `not valid YAML: ${e.message}`,
    line: e.line,
  }));
}

/**
 * The text of a file given by path (a definition, strategy or agreement), or a usage error with
 * `code` naming it as `label` (`cannot read the <noun> file: …`) and the fix.
 */
export function readYamlFile(
  path: string,
  label: string,
  what: { code: string; noun: string; fix: string },
): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SvdError({
      kind: 'usage',
      code: what.code,
      message: `cannot read the ${what.noun} file: ${errorMessage(error).split('\n')[0]}`,
      location: { file: label },
      fix: what.fix,
    });
  }
}
