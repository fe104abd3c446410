import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { SvdError, errorMessage } from '../../core/errors.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { definitionTitleLine, proxyNote } from '../definitionText.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface ClassifyRecordsOptions extends CommonOptions {
  definition: string;
  input: string;
}

export function classifyRecordsCommand(
  io: CliIo,
  readStdin: () => string = () => readFileSync(0, 'utf8'),
): Command {
  return new Command('classify-records')
    .description('classify records given as JSON lines, without a workspace')
    .requiredOption('--definition <ID[@VERSION]|FILE>', 'a shipped definition or a definition file')
    .requiredOption('--input <file.jsonl>', 'one JSON object per line ("-" for standard input)')
    .option('--db <path>', 'also look for stored definition versions in this workspace')
    .option(
      '--json',
      'print one JSON object per line: line, id, tier, status, tiers, rules, excluded_by',
    )
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
Each input line is one record of canonical fields (the columns of the incidents table):
  offence_code (text: "4.10", "8N"), offence_subcode (class/sub-classification: "8/1"; 008/01,
  8.1 and 8N/01 are read too), offence_description, statute (e.g. OAPA1861-s20),
  crime_type, flags {knife, firearm, domestic, county_lines, drug_related, alcohol,
  night_time_economy: true|false|null} (or flag_knife … at the top level), victim_age,
  victim_age_band ("18-24", "65+"), victim_sex (female, male, other, unknown), suspect_age,
  suspect_age_band, suspect_sex, location_type, icd10_cause (health records), and id (echoed).
Other incident columns (month, force, lsoa_code …) are accepted and ignored; unknown fields and
non-canonical values are refused with the line and field.

Example:
  echo '{"id": "a1", "offence_code": "8N", "statute": "OAPA1861-s20"}' |
    svd classify-records --definition thames-valley-vru --input - --json
  {"line":1,"id":"a1","tier":"primary","status":"tier","tiers":["primary","monitoring"],"rules":["gbh-without-intent","assault-with-injury"],"excluded_by":[]}`,
    )
    .action(async (options: ClassifyRecordsOptions) => {
      const { readRecordLines } = await import('../../definitions/readRecordLines.js');
      const { resolveDefinition } = await import('../../definitions/resolveDefinition.js');
      const { compileDefinition } = await import('../../definitions/compileDefinition.js');
      const { definitionMeta } = await import('../../definitions/classificationRuns.js');
      const ctx = commandContext(io, options);
      const resolved =
        options.db === undefined
          ? await resolveDefinition(options.definition, { cwd: io.cwd })
          : await withCommandWorkspace(ctx, { create: false }, (ws) =>
              resolveDefinition(options.definition, { ws, cwd: io.cwd }),
            );
      for (const w of resolved.warnings) ctx.reporter.warn(w.message);
      const meta = definitionMeta(resolved.definition);
      ctx.reporter.info(definitionTitleLine(meta, `, ${resolved.source}`));
      const note = proxyNote(meta);
      if (note !== null) ctx.reporter.warn(note.replace(/^note: /, ''));
      let text: string;
      const label = options.input === '-' ? '(standard input)' : options.input;
      try {
        text =
          options.input === '-'
            ? readStdin()
            : readFileSync(path.resolve(io.cwd, options.input), 'utf8');
      } catch (error) {
        throw new SvdError({
          kind: 'usage',
          code: 'INPUT_NOT_FOUND',
          message: `cannot read the records: ${errorMessage(error).split('\n')[0]}`,
          location: { file: label },
          fix: 'give a JSON-lines file, or - for standard input',
        });
      }
      const records = readRecordLines(text, label);
      const compiled = compileDefinition(resolved.definition);
      const results = records.map((r) => {
        const c = compiled.classify(r.record);
        return {
          line: r.line,
          ...(r.id === undefined ? {} : { id: r.id }),
          tier: c.tier,
          status: c.status,
          tiers: c.tiers,
          rules: c.rules,
          excluded_by: c.excludedBy,
          ...(meta.coverage === 'proxy' ? { coverage: 'proxy' } : {}),
        };
      });
      if (ctx.json) {
        io.stdout.write(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
        return;
      }
      ctx.print(definitionTitleLine(meta));
      if (note !== null) ctx.print(note);
      ctx.print(
        formatTable(results, [
          { header: 'line', value: (r) => r.line, align: 'right' },
          { header: 'id', value: (r) => (r.id === undefined ? '' : String(r.id)) },
          { header: 'tier', value: (r) => r.tier ?? r.status },
          { header: 'also in', value: (r) => r.tiers.slice(1).join(', ') },
          { header: 'rules', value: (r) => r.rules.join(', ') },
        ]),
      );
    });
}
