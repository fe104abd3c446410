/**
 * Help that names only commands that exist: every command listed under "Commands:" of any help
 * page runs `--help`, and every `svd …` command line quoted in a help page starts with commands
 * that are registered.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
import { svd } from '../helpers/cli.js';

/** Every command path of the program, e.g. ['analyse', 'trends']. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands
    .filter((c) => c.name() !== 'help')
    .flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

/** Names listed in the "Commands:" section of a help page. */
function listedCommands(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1];
  if (section === undefined) return [];
  return section
    .split(/\n\n/)[0]!
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z0-9-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== 'help');
}

const program = buildProgram(bufferIo({}));
const paths = commandPaths(program);

describe('help names only commands that exist', () => {
  it('svd analyse --help lists exactly the registered analyses, and each runs --help', async () => {
    const r = await svd(['analyse', '--help']);
    expect(r.code).toBe(0);
    const registered = paths.filter((p) => p[0] === 'analyse' && p.length === 2).map((p) => p[1]!);
    expect(listedCommands(r.stdout)).toEqual(registered);
    // The description names them too, and nothing else.
    const description =
      /analyses of the Strategic Needs Assessment: ([^\n]+(?:\n[^\n]+)?)\n\n/.exec(r.stdout)?.[1];
    expect(description?.replace(/\s+/g, ' ').split(', ')).toEqual(registered);
    for (const name of registered) {
      const sub = await svd(['analyse', name, '--help']);
      expect(sub.code, `svd analyse ${name} --help`).toBe(0);
      expect(sub.stdout).toContain(`Usage: svd analyse ${name}`);
    }
  });

  it('every command listed in any help page runs --help', async () => {
    const pages: string[][] = [[], ...paths];
    let checked = 0;
    for (const page of pages) {
      const r = await svd([...page, '--help']);
      expect(r.code, `svd ${page.join(' ')} --help`).toBe(0);
      for (const name of listedCommands(r.stdout)) {
        const sub = await svd([...page, name, '--help']);
        expect(sub.code, `svd ${[...page, name].join(' ')} --help`).toBe(0);
        checked++;
      }
    }
    expect(checked).toBe(paths.length);
  });

  it('every `svd …` command quoted in a help page names registered commands', async () => {
    const known = new Set(paths.map((p) => p.join(' ')));
    const bad: string[] = [];
    for (const page of [[], ...paths]) {
      const r = await svd([...page, '--help']);
      // A command line: at the start of a line (examples), in backquotes, or after a verb that
      // introduces one ("run svd …", "see svd …"); not prose such as "svd or its components".
      const quoted =
        /(?:^\s*|`|\b(?:run|see|with|then|use|try|e\.g\.)\s+)svd((?: [a-z][a-z0-9-]*)+)/gm;
      for (const m of r.stdout.matchAll(quoted)) {
        const words = m[1]!.trim().split(' ');
        // The longest run of words that could be commands: the first must be one, and a word
        // after a command with subcommands must be one of them.
        let path: string[] = [];
        for (const word of words) {
          const next = [...path, word];
          const hasSubcommands = paths.some(
            (p) => p.length === next.length && p.join(' ') === next.join(' '),
          );
          const parentHasSubcommands =
            path.length === 0 ||
            paths.some(
              (p) => p.length === path.length + 1 && p.join(' ').startsWith(`${path.join(' ')} `),
            );
          if (!hasSubcommands) {
            if (parentHasSubcommands) bad.push(`svd ${page.join(' ')} --help: "svd${m[1]!}"`);
            break;
          }
          path = next;
        }
        if (path.length > 0) expect(known.has(path.join(' '))).toBe(true);
      }
    }
    expect(bad).toEqual([]);
  });
});
