/**
 * The one output a reader with aggregate access is given: the Strategic Needs Assessment of their
 * area over its default period, under public disclosure control at the reader's minimum cell
 * size, drawn from the record sources they may see and no other
 * (docs/decisions/0076-assessment-for-aggregate-readers.md). Live, freely filtered queries are
 * not offered to such readers: two areas or two periods differenced give back a count withheld
 * in each; a fixed output, disclosed whole, with its secondary suppression, does not.
 */
import { DATASET_KINDS } from '../../access/agreementVocabulary.js';
import { DEFAULT_PUBLIC_MINIMUM, HEALTH_MINIMUM } from '../../core/disclosureMinimums.js';
import { SvdError, quoteValue } from '../../core/errors.js';
import { silentReporter } from '../../core/reporter.js';
import { resolveSelection } from '../../analyses/selection/selection.js';
import { latestRuns } from '../../definitions/classificationRuns.js';
import { loadStoredDefinition } from '../../definitions/storeDefinition.js';
import { buildSnaReport } from '../../reports/sna/buildSnaReport.js';
import { resolveSnaArea, type SnaContext } from '../../reports/sna/gatherSnaData.js';
import type { DisclosedSna } from '../../reports/sna/snaTypes.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { PREFERRED_DEFINITIONS } from '../dashboard/dashboardMeta.js';

export interface AssessmentScope {
  /** The SNA area text (as `svd report sna --area`), e.g. 'csp=safer-oxfordshire'. */
  area: string;
  /** The smallest count shown for data other than health (≥ 5, the public minimum); health data: at least 8. */
  minimum: number;
  /** The record sources the reader may see in aggregate (e.g. ['police-uk'] or ['force-extract','istv']); data of other sources must not enter any figure. */
  sources: readonly string[];
  /** The protective marking on every page (e.g. OFFICIAL for a partner); none when not given. */
  marking?: string;
}

function checkScope(scope: AssessmentScope): void {
  if (!Number.isInteger(scope.minimum) || scope.minimum < DEFAULT_PUBLIC_MINIMUM)
    throw new SvdError({
      kind: 'usage',
      code: 'ASSESSMENT_MINIMUM',
      message: `the assessment's minimum cell size must be a whole number of at least ${DEFAULT_PUBLIC_MINIMUM} (the public minimum): ${quoteValue(String(scope.minimum))}`,
      location: { field: 'minimum', value: String(scope.minimum) },
      fix: `give the reader's minimum cell size from their agreement (at least ${DEFAULT_PUBLIC_MINIMUM})`,
    });
  const unknown = scope.sources.filter((s) => !(DATASET_KINDS as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new SvdError({
      kind: 'usage',
      code: 'ASSESSMENT_UNKNOWN_SOURCE',
      message: `not a dataset an agreement can name: ${unknown.map((s) => quoteValue(s)).join(', ')}`,
      location: { field: 'sources', value: unknown.join(',') },
      fix: `give datasets as agreements name them: ${DATASET_KINDS.join(', ')}`,
    });
  if (scope.sources.length === 0)
    throw new SvdError({
      kind: 'usage',
      code: 'ASSESSMENT_NO_SOURCES',
      message: 'the assessment was asked for with no record source the reader may see',
      location: { field: 'sources' },
      fix: 'give the datasets the reader is granted in aggregate (e.g. police-uk)',
    });
}

/**
 * The definition the assessment counts by: of the definitions classified (the newest version of
 * each), the partnership's own first (as the dashboard prefers them), then in the order
 * classified, the first whose first tier holds a record of the scope's sources in the area. A
 * definition that no record of those sources can meet (police.uk rows carry no offence code)
 * would give an empty assessment, so it is passed over, and the choice is announced.
 */
async function chooseAssessmentDefinition(
  ws: Workspace,
  scope: AssessmentScope,
  context: SnaContext,
): Promise<string> {
  const area = await resolveSnaArea(ws, scope.area);
  const newest = new Map<string, number>();
  for (const run of await latestRuns(ws))
    newest.set(run.definition_id, Math.max(run.version, newest.get(run.definition_id) ?? 0));
  const rank = (id: string): number => {
    const i = PREFERRED_DEFINITIONS.indexOf(id);
    return i === -1 ? PREFERRED_DEFINITIONS.length : i;
  };
  const ids = [...newest.keys()].sort((a, b) => rank(a) - rank(b));
  for (const id of ids) {
    const version = newest.get(id)!;
    const definition = await loadStoredDefinition(ws, id, version);
    const firstTier = definition?.file.tiers[0]?.id;
    if (firstTier === undefined) continue;
    const spec = `${id}@${version}`;
    const selected = await resolveSelection(
      ws,
      {
        where: [
          area.filter,
          { dimension: 'source', values: [...scope.sources] },
          { dimension: 'tier', values: [firstTier] },
        ],
        definition: spec,
      },
      { cwd: context.cwd, reporter: silentReporter },
    );
    const n = await ws.db.value<number>(
      `SELECT count(*) FROM ${selected.sql.from} WHERE ${selected.sql.where}`,
      selected.sql.params,
    );
    if (Number(n ?? 0) > 0) {
      context.reporter.info(
        `definition: ${spec}, the first classified definition under which records of ${scope.sources.join(', ')} in ${area.name} are in its first tier`,
      );
      return spec;
    }
  }
  throw new SvdError({
    kind: 'input',
    code: 'ASSESSMENT_NOTHING_SELECTED',
    message:
      ids.length === 0
        ? 'the workspace holds no classified definition'
        : `no record of ${scope.sources.join(', ')} in ${area.name} is in the first tier of any definition classified (${ids.join(', ')})`,
    location: { field: 'sources', value: scope.sources.join(',') },
    fix:
      ids.length === 0
        ? 'classify the records first: svd classify --definition thames-valley-vru'
        : 'classify the records under a definition they can meet (police.uk data: svd classify --definition police-uk-proxy), or check the reader’s area and datasets',
  });
}

/** The disclosed assessment for this scope: its HTML page (self-contained, as the SNA's) and the disclosed data. */
export async function assessmentFor(
  ws: Workspace,
  scope: AssessmentScope,
  context: SnaContext,
): Promise<{ html: string; disclosed: DisclosedSna }> {
  checkScope(scope);
  const definition = await chooseAssessmentDefinition(ws, scope, context);
  const report = await buildSnaReport(
    ws,
    {
      area: scope.area,
      definition,
      sources: scope.sources,
      disclosure: {
        audience: 'public',
        minimum: scope.minimum,
        // Health data: the NHS rule, or the reader's minimum when it is larger.
        healthMinimum: Math.max(HEALTH_MINIMUM, scope.minimum),
      },
      // Disclosed as for the public, but given to a partner under an agreement, not published.
      ...(scope.marking === undefined ? {} : { document: { marking: scope.marking } }),
    },
    context,
  );
  return { html: report.html, disclosed: report.disclosed };
}
