import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { commandContext, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { yamlLimitsHelp } from '../yamlLimitsHelp.js';

interface MappingsOptions extends CommonOptions {
  show?: string;
  check?: string;
}

export function mappingsCommand(io: CliIo): Command {
  return new Command('mappings')
    .description('list the built-in column mappings, show one, or check a mapping file')
    .option('--show <name>', 'print a built-in mapping (to copy and adapt)')
    .option('--check <file>', 'validate a mapping file and say what it reads')
    .option('--json', 'print as JSON')
    .addHelpText('after', yamlLimitsHelp)
    .action(async (options: MappingsOptions) => {
      const { builtInMappings, parseMapping } = await import('../../sources/partner/mapping.js');
      const ctx = commandContext(io, options);
      if (options.check !== undefined) {
        const loaded = parseMapping(readFileSync(options.check, 'utf8'), options.check);
        if (ctx.json)
          ctx.printJson({
            name: loaded.spec.name,
            kind: loaded.spec.kind,
            columns: loaded.columns,
          });
        else
          ctx.print(
            `${options.check}: a valid ${loaded.spec.kind} mapping "${loaded.spec.name}" reading ${loaded.columns.length} column(s): ${loaded.columns.join(', ')}`,
          );
        return;
      }
      const all = builtInMappings();
      if (options.show !== undefined) {
        const found = all.find((m) => m.name === options.show);
        if (found === undefined) {
          throw usageError(
            'NO_SUCH_MAPPING',
            `no built-in mapping "${options.show}"`,
            `use one of: ${all.map((m) => m.name).join(', ')}`,
          );
        }
        ctx.print(readFileSync(found.file, 'utf8'));
        return;
      }
      const rows = all.map((m) => {
        const spec = parseMapping(readFileSync(m.file, 'utf8'), m.file).spec;
        return { name: m.name, kind: m.kind, description: spec.description ?? '' };
      });
      if (ctx.json) ctx.printJson(rows);
      else
        ctx.print(
          formatTable(rows, [
            { header: 'name', value: (r) => r.name },
            { header: 'kind', value: (r) => r.kind },
            { header: 'description', value: (r) => r.description },
          ]),
        );
    });
}
