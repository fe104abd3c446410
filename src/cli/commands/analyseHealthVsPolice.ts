/** `svd analyse health-vs-police`: A&E assault attendances beside police-recorded assaults with injury. */
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { parseAreaLevel } from '../../geo/levels.js';
import { fixed, parseNumberOption, percent, reportAnalysis } from '../analysisOutput.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { formatTable } from '../table.js';

interface HealthCliOptions extends SelectionOptions {
  codes?: string;
  site?: string[];
  siteArea?: string[];
  areaLevel?: string;
  attendShare?: string;
  confidence?: string;
}

const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];

export function parseSiteAreas(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0 || eq === a.length - 1)
      throw usageError(
        'BAD_SITE_AREA',
        `--site-area ${JSON.stringify(a)} is not SITE=AREA_CODE`,
        'e.g. --site-area RTH08=E07000178 (the department and the code of the area it serves)',
      );
    out[a.slice(0, eq).trim()] = a.slice(eq + 1).trim();
  }
  return out;
}

export function analyseHealthVsPoliceCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('health-vs-police').description(
      'A&E assault attendances (ISTV) beside police-recorded assaults with injury, by month, method, site and area; the share with no police counterpart, in aggregate',
    ),
  )
    .option(
      '--codes <CODES>',
      'Home Office offence codes counted as assaults with injury, comma-separated (default: the subgroup "Violence with injury")',
    )
    .option(
      '--site <SITE>',
      'an emergency department (site code) to include (repeatable; default those lying in the area of --where, all when it names none)',
      repeat,
    )
    .option(
      '--site-area <SITE=CODE>',
      'the area a department lies in, in place of its district in the partnership configuration (repeatable)',
      repeat,
    )
    .option('--area-level <LEVEL>', 'the level of the --site-area codes (default district)')
    .option(
      '--attend-share <F>',
      'share of police-recorded assaults with injury whose victim attends these departments (default 1: the unreported share is then a lower bound)',
    )
    .option('--confidence <LEVEL>', 'confidence level of the intervals (default 0.95)')
    .addHelpText(
      'after',
      `
The two sources share no identifier (A&E data is anonymised), so this compares totals, not
records: over the months both hold fully, with A attendances and P police-recorded assaults with
injury, at least 1 − f·P/A of the attendances have no police counterpart (f = --attend-share).
Police methods: knife flag → knife-sharp, firearm flag → firearm, anything else → other. A&E
months are months of arrival, police months those of the committed-from date. police.uk rows
carry no offence code and are left out.

Examples:
  svd analyse health-vs-police --where source=force-extract
  svd analyse health-vs-police --where source=force-extract --site-area SYN-OXFORD=E07000178 --attend-share 0.3 --json`,
    )
    .action(async (options: HealthCliOptions) => {
      const { analyseHealthVsPolice } =
        await import('../../analyses/health/analyseHealthVsPolice.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options);
      const codes = options.codes
        ?.split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      const siteAreas = parseSiteAreas(options.siteArea ?? []);
      const areaLevel =
        options.areaLevel === undefined ? undefined : parseAreaLevel(options.areaLevel);
      const attendShare = parseNumberOption(
        'attend-share',
        options.attendShare,
        (x) => x > 0 && x <= 1,
        'a share above 0 and at most 1',
      );
      const confidence = parseNumberOption(
        'confidence',
        options.confidence,
        (x) => x > 0 && x < 1,
        'a level between 0 and 1 (e.g. 0.95)',
      );
      const analysis = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        analyseHealthVsPolice(
          ws,
          selection,
          {
            ...(codes === undefined ? {} : { codes }),
            ...(options.site === undefined ? {} : { sites: options.site }),
            siteAreas,
            ...(areaLevel === undefined ? {} : { areaLevel }),
            ...(attendShare === undefined ? {} : { attendShare }),
            ...(confidence === undefined ? {} : { confidence }),
          },
          { cwd: io.cwd, reporter: ctx.reporter },
        ),
      );
      if (reportAnalysis(ctx, analysis)) return;
      const r = analysis.result;
      const held = r.byMonth.filter((m) => m.police !== null || m.ae !== null);
      ctx.print(
        formatTable(held, [
          { header: 'month', value: (m) => m.month },
          { header: 'A&E', value: (m) => m.ae, align: 'right' },
          { header: 'police', value: (m) => m.police, align: 'right' },
          { header: 'A&E per police', value: (m) => fixed(m.aePerPolice), align: 'right' },
          { header: 'compared', value: (m) => (m.compared ? 'yes' : 'no') },
        ]),
      );
      ctx.print('');
      ctx.print(
        formatTable(r.byMethod, [
          { header: 'method', value: (m) => m.method },
          { header: 'A&E', value: (m) => m.ae, align: 'right' },
          { header: 'police', value: (m) => m.police, align: 'right' },
          { header: 'police meaning', value: (m) => m.policeMeaning },
        ]),
      );
      ctx.print('');
      ctx.print(
        formatTable(r.bySite, [
          { header: 'site', value: (s) => s.site },
          { header: 'name', value: (s) => s.name },
          { header: 'A&E', value: (s) => s.ae, align: 'right' },
          { header: 'area', value: (s) => s.area },
        ]),
      );
      if (r.byArea !== null) {
        ctx.print('');
        ctx.print(
          formatTable(r.byArea, [
            { header: 'area', value: (a) => a.area },
            { header: 'name', value: (a) => a.name },
            { header: 'A&E', value: (a) => a.ae, align: 'right' },
            { header: 'police', value: (a) => a.police, align: 'right' },
            { header: 'A&E per police', value: (a) => fixed(a.aePerPolice), align: 'right' },
          ]),
        );
      }
      ctx.print('');
      const u = r.unreported;
      if (u.share !== null)
        ctx.print(
          `no police counterpart (${u.bound}): ${percent(u.share)} [${percent(u.lower)}, ${percent(u.upper)}]`,
        );
      for (const line of r.summary) ctx.print(line);
    });
}
