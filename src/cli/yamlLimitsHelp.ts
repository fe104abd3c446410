/**
 * The bounds within which YAML files are read (core/boundedYaml.ts), for the help of the commands
 * that read them; written from the limits themselves so that the help cannot drift from them.
 * Written when the help is shown, not when the command is built: the first number formatted for
 * en-GB loads the locale's data (about 12 ms), which a command that shows no help need not pay.
 */
import { YAML_LIMITS } from '../core/yamlLimits.js';

const n = (v: number): string => v.toLocaleString('en-GB');

export const yamlLimitsHelp = (): string => `
YAML files are read within bounds: at most ${n(YAML_LIMITS.maxBytes / 1024)} KB, ${n(YAML_LIMITS.maxAliases)} aliases (*name), ${n(YAML_LIMITS.maxNodes)} keys and
values (an alias counting as all it repeats) and ${n(YAML_LIMITS.maxDepth)} levels of nesting. A file beyond them is
refused with YAML_TOO_COMPLEX (exit code 3), naming the line and the limit, before anything is
expanded: write the values out instead of using aliases, or split the file.`;
