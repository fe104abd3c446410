/**
 * `svd report sna`: gather the assessment from the workspace, disclose it for the audience, merge
 * the analysts' commentary and render it as one self-contained HTML file (printed to PDF by the
 * command when asked). Each stage can be timed through `onStage`.
 */
import type { DisclosureOptions } from '../../disclosure/index.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { discloseSna } from './discloseSna.js';
import {
  resolveDocumentControl,
  workspacePartnership,
  type DocumentOptions,
} from './documentControl.js';
import { gatherSnaData, type SnaContext, type SnaOptions } from './gatherSnaData.js';
import type { Commentary } from './readCommentary.js';
import { renderSnaCsv } from './renderSnaCsv.js';
import { chartTiming } from './renderChart.js';
import { renderSnaHtml } from './renderSnaHtml.js';
import type { DisclosedSna } from './snaTypes.js';

export interface SnaReport {
  disclosed: DisclosedSna;
  html: string;
  /** The tables and commentary as CSV (long format). */
  csv: () => string;
  /** The HTML again with the page each section starts on in its contents (for print). */
  withPages: (pages: ReadonlyMap<string, number>) => string;
}

export async function buildSnaReport(
  ws: Workspace,
  options: SnaOptions & {
    disclosure: DisclosureOptions;
    commentary?: Commentary;
    /** Author, report version, approvals, marking (defaults announced). */
    document?: DocumentOptions;
  },
  context: SnaContext,
): Promise<SnaReport> {
  const data = await gatherSnaData(ws, options, context);
  const document = resolveDocumentControl(
    options.document ?? {},
    options.disclosure.audience,
    (await workspacePartnership(ws)) ?? data.area.name,
    context.reporter,
  );
  let start = Date.now();
  const disclosed = discloseSna(data, options.disclosure, document);
  context.onStage?.('disclosure', Date.now() - start);
  start = Date.now();
  const html = renderSnaHtml(disclosed, options.commentary ?? {});
  const total = Date.now() - start;
  context.onStage?.('charts', chartTiming.ms);
  context.onStage?.('HTML', total - chartTiming.ms);
  return {
    disclosed,
    html,
    csv: () => renderSnaCsv(disclosed, options.commentary ?? {}),
    withPages: (pages) => renderSnaHtml(disclosed, options.commentary ?? {}, pages),
  };
}
