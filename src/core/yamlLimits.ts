/**
 * The bounds within which YAML files are read (see boundedYaml.ts), apart from the reader so that
 * the help of the commands can state them without loading the YAML library.
 */
export interface YamlLimits {
  /** Bytes of text (UTF-8). */
  maxBytes: number;
  /** Aliases (`*name`) written in the text. */
  maxAliases: number;
  /** Keys and values read, an alias counting as everything it repeats. */
  maxNodes: number;
  /** Lists and mappings inside one another. */
  maxDepth: number;
}

/**
 * The defaults. The shipped definitions, strategy and mappings are at most 6.8 KB, 396 keys and
 * values, 8 levels deep and 4 aliases: these bounds are 150, 250, 8 and 25 times that, and stop a
 * hostile file within a second.
 */
export const YAML_LIMITS: Readonly<YamlLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxAliases: 100,
  maxNodes: 100_000,
  maxDepth: 64,
});
