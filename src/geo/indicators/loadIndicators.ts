/**
 * `svd indicators load`: area-level indicators (risk and protective factors) from the files
 * their publishers release, one layout per kind of file (docs/decisions/0079-indicators.md). The
 * layout is found by the header and announced, or given; a header that fits none is refused with
 * the columns found and the layouts known. Each file is a batch; see storeIndicatorValues.ts.
 */
import type { Clock } from '../../core/clock.js';
import { SvdError, usageError } from '../../core/errors.js';
import type { ExpansionLimits } from '../../core/expansionLimits.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { openIndicatorSource } from './indicatorSource.js';
import {
  INDICATOR_LAYOUTS,
  type IndicatorLayout,
  type IndicatorLoadReport,
} from './indicatorTypes.js';
import { TS011_REQUIRED, stageCensusTs011 } from './loadCensusTs011.js';
import { EES_REQUIRED, stageEes } from './loadEes.js';
import { FINGERTIPS_REQUIRED, stageFingertips } from './loadFingertips.js';
import { IOD_CODE_COLUMNS, stageIod2025 } from './loadIod2025.js';
import { LAIT_REQUIRED, stageLait } from './loadLait.js';
import { stageTidy, tidyColumns, type TidyMapping } from './loadTidy.js';
import { createStage, dropStage, storeIndicatorValues } from './storeIndicatorValues.js';

export type LayoutChoice = IndicatorLayout | 'auto';

export interface LoadIndicatorsOptions {
  layout?: LayoutChoice;
  dictionary?: string;
  mapping?: TidyMapping;
  /** How far a .csv.gz may expand (the command's --max-expanded-bytes). */
  expansionLimits?: ExpansionLimits;
  reporter: Reporter;
  clock?: Clock;
}

export function parseLayout(text: string): LayoutChoice {
  if (text === 'auto' || (INDICATOR_LAYOUTS as readonly string[]).includes(text))
    return text as LayoutChoice;
  throw usageError(
    'UNKNOWN_LAYOUT',
    `--layout ${text} is not a layout svd knows`,
    `use one of auto, ${INDICATOR_LAYOUTS.join(', ')}`,
  );
}

/** The first column a layout needs that the header lacks; undefined when it fits. */
function missingColumn(
  layout: IndicatorLayout,
  header: readonly string[],
  mapping: TidyMapping | undefined,
): string | undefined {
  const need = (columns: readonly string[]): string | undefined =>
    columns.find((c) => !header.includes(c));
  switch (layout) {
    case 'ees':
      return need(EES_REQUIRED);
    case 'fingertips':
      return need(FINGERTIPS_REQUIRED);
    case 'lait':
      return need(LAIT_REQUIRED);
    case 'census-ts011':
      return need(TS011_REQUIRED);
    case 'iod2025':
      return IOD_CODE_COLUMNS.some((c) => header.includes(c))
        ? undefined
        : IOD_CODE_COLUMNS.join(' or ');
    case 'tidy':
      return mapping === undefined ? undefined : need(tidyColumns(mapping));
  }
}

/** The layout a header fits, in order from the most particular; undefined when none. */
export function detectLayout(header: readonly string[]): IndicatorLayout | undefined {
  const order: IndicatorLayout[] = ['census-ts011', 'fingertips', 'lait', 'ees', 'iod2025'];
  return order.find((l) => missingColumn(l, header, undefined) === undefined);
}

export async function loadIndicatorFile(
  ws: Workspace,
  file: string,
  options: LoadIndicatorsOptions,
): Promise<IndicatorLoadReport> {
  const chosen = options.layout ?? 'auto';
  if (chosen === 'tidy' && options.mapping === undefined)
    throw usageError(
      'MAPPING_REQUIRED',
      'the tidy layout needs a mapping of its columns',
      'give --mapping FILE (see examples/indicators/)',
    );
  const source = await openIndicatorSource(ws, file, options.expansionLimits);
  const { header } = source;
  let layout: IndicatorLayout;
  if (chosen === 'auto') {
    const found = options.mapping === undefined ? detectLayout(header) : 'tidy';
    if (found === undefined)
      throw new SvdError({
        kind: 'input',
        code: 'UNKNOWN_INDICATOR_LAYOUT',
        message: `the header fits no indicator layout svd knows; columns found: ${header.join(', ')}`,
        location: { file, line: 1 },
        fix: `give a file in one of the layouts ${INDICATOR_LAYOUTS.join(', ')} (see svd indicators load --help), or a partner's file with --layout tidy --mapping FILE`,
      });
    layout = found;
    options.reporter.info(
      `${file}: layout ${layout}${options.mapping === undefined ? ' (found by the header)' : ' (a mapping was given)'}`,
    );
  } else layout = chosen;
  const missing = missingColumn(layout, header, options.mapping);
  if (missing !== undefined)
    throw new SvdError({
      kind: 'input',
      code: 'LAYOUT_MISMATCH',
      message: `the header does not fit the ${layout} layout: no column ${missing} (columns found: ${header.join(', ')})`,
      location: { file, line: 1, field: missing },
      fix:
        chosen === 'auto'
          ? 'correct the mapping, or the header'
          : `give --layout auto to find the layout from the header, or the file of the ${layout} layout`,
    });
  if (options.dictionary !== undefined && layout !== 'lait')
    throw usageError(
      'DICTIONARY_NOT_LAIT',
      `--dictionary is for LAIT files; ${file} is of the ${layout} layout`,
      'leave out --dictionary',
    );

  const store = {
    file,
    layout,
    rowsRead: source.rowCount,
    reporter: options.reporter,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  };
  type Staged = {
    announce: string;
    store: Omit<Parameters<typeof storeIndicatorValues>[1], keyof typeof store>;
  };
  const stageLayout = async (): Promise<Staged> => {
    switch (layout) {
      case 'ees': {
        const s = await stageEes(ws, source);
        return {
          announce: s.announce,
          store: {
            meta: s.meta,
            warnings: s.warnings,
            levelMode: { upperTier: true, lsoa: 'lsoa21' },
          },
        };
      }
      case 'fingertips': {
        const s = await stageFingertips(ws, source);
        return {
          announce: s.announce,
          store: {
            meta: s.meta,
            warnings: s.warnings,
            auxFields: s.auxFields,
            levelMode: { upperTier: s.upperTier, lsoa: 'lsoa21' },
          },
        };
      }
      case 'lait': {
        const s = await stageLait(ws, source, {
          ...(options.dictionary === undefined ? {} : { dictionary: options.dictionary }),
        });
        return {
          announce: s.announce,
          store: {
            meta: s.meta,
            warnings: s.warnings,
            levelMode: { upperTier: true, lsoa: 'lsoa21' },
          },
        };
      }
      case 'iod2025': {
        const s = await stageIod2025(ws, source);
        return {
          announce: s.announce,
          store: { meta: s.meta, warnings: [], levelMode: { upperTier: false, lsoa: 'lsoa21' } },
        };
      }
      case 'census-ts011': {
        const s = await stageCensusTs011(ws, source);
        return {
          announce: s.announce,
          store: { meta: s.meta, warnings: [], levelMode: { upperTier: false, lsoa: 'lsoa21' } },
        };
      }
      case 'tidy': {
        const mapping = options.mapping!;
        const s = await stageTidy(ws, source, mapping);
        return {
          announce: s.announce,
          store: {
            meta: s.meta,
            warnings: [],
            auxFields: s.auxFields,
            synthetic: mapping.synthetic,
            levelMode: { upperTier: false, lsoa: mapping.lsoa },
          },
        };
      }
    }
  };
  await createStage(ws);
  try {
    // Each layout stages its rows and says how they are to be stored; one store for all.
    const staged = await stageLayout();
    options.reporter.info(`${file}: ${staged.announce}`);
    return await storeIndicatorValues(ws, { ...store, ...staged.store });
  } finally {
    await dropStage(ws);
  }
}

/** Several files, each its own batch, all in one transaction: one refused file stores none. */
export async function loadIndicators(
  ws: Workspace,
  files: readonly string[],
  options: LoadIndicatorsOptions,
): Promise<IndicatorLoadReport[]> {
  return ws.db.transaction(async () => {
    const reports: IndicatorLoadReport[] = [];
    for (const f of files) reports.push(await loadIndicatorFile(ws, f, options));
    return reports;
  });
}
