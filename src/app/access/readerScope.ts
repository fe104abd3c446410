/**
 * What a signed-in reader may see of the workspace, worked out from the data-sharing agreements
 * in force (`accessFor`) for every dataset held, at the instant of the question
 * (docs/decisions/0074-sign-in-and-enforcement.md):
 *
 * - a dataset is held by its active batches; each batch's supplier (`batch_owner`) is its
 *   controller. Where a dataset's batches come from several suppliers, the reader's level for
 *   the dataset is the least of theirs — a figure mixes them all;
 * - the live dashboard answers over the incident sources the reader has at record level
 *   (`recordSources`), limited to the districts every such grant covers (`districts`);
 * - with nothing at record level but something at aggregate level, the reader is given the
 *   assessment, every figure through disclosure control at the largest minimum cell of the
 *   grants (`assessment`);
 * - an auditor reads the audit log and no data.
 */
import { accessFor, type Grant } from '../../access/agreements.js';
import { DEFAULT_PUBLIC_MINIMUM } from '../../core/disclosureMinimums.js';
import { datasetKindOf, LEVEL_RANK } from '../../access/agreementFile.js';
import type { Level } from '../../access/agreementVocabulary.js';
import type { Role } from '../../access/users.js';
import type { SessionGrant, SessionView } from '../../api/session.js';
import type { Workspace } from '../../store/openWorkspace.js';

/** The incident sources (`incidents.source`) and the dataset kind each belongs to. */
export const INCIDENT_SOURCE_DATASETS: Readonly<Record<string, string>> = {
  'police-uk': 'police-uk',
  'force-extract': 'force-extract',
};

const DATA_KINDS = ['force-extract', 'istv', 'istv-counts', 'home-office-csp'];

/** Batches whose kind is data about people or incidents (not boundaries, lookups or population). */
const DATA_KINDS_SQL = `(source_kind LIKE 'police-uk%' OR source_kind IN
  (${DATA_KINDS.map((k) => `'${k}'`).join(', ')}))`;

export function isDataKind(sourceKind: string): boolean {
  return sourceKind.startsWith('police-uk') || DATA_KINDS.includes(sourceKind);
}

/** District-level area codes (districts, unitary authorities, metropolitan and London boroughs). */
const DISTRICT_CODE = /^(E06|E07|E08|E09|W06)\d{6}$/;

export interface DatasetAccess {
  dataset: string;
  /** The least level over the dataset's batches; null: none. */
  level: Level | null;
  /** Every supplier of the dataset's active batches (null: not recorded). */
  suppliers: (string | null)[];
  /** The grant of the least permissive supplier (null when none). */
  grant: Grant | null;
  reason: string;
}

export interface ReaderScope {
  organisation: string;
  role: Role;
  datasets: DatasetAccess[];
  /** Incident sources readable at record or pseudonymised-record level. */
  recordSources: string[];
  /** Incident sources readable whole: record level, no field withheld (record views need them whole). */
  wholeRecordSources: string[];
  /** Incident sources readable at aggregate level or better. */
  aggregateSources: string[];
  /** Districts the live answers are limited to (null: no limit). */
  districts: string[] | null;
  /** Record fields any record-level grant withholds: kept out of the live answers too. */
  fieldsWithheld: string[];
  /** The smallest count the assessment shows (the largest minimum of the aggregate grants). */
  assessmentMinimum: number;
  /** The datasets the assessment draws on (any grant, aggregate or better): police-uk, force-extract, istv. */
  assessmentSources: string[];
  /** The districts every such grant covers (null: no limit); the assessment is of one of them. */
  assessmentDistricts: string[] | null;
  view: SessionView;
  /** The ISTV (A&E) data at pseudonymised-record level or better (the live health comparison). */
  healthLive: boolean;
  grants: SessionGrant[];
  /** Stable text of everything above that changes an answer (a cache key part). */
  key: string;
}

interface HeldBatch {
  source_kind: string;
  supplier: string | null;
}

function describeGrant(grant: Grant | null, note: string | null): string {
  if (grant === null) return note ?? 'no agreement in force gives it';
  const base =
    grant.basis === 'controller'
      ? 'your organisation supplied it'
      : `agreement ${grant.agreement!.id} (${grant.agreement!.title})`;
  const extras = [
    grant.fields_withheld.length > 0 ? `fields withheld: ${grant.fields_withheld.join(', ')}` : '',
    grant.geography === null ? '' : `areas: ${grant.geography.join(', ')}`,
    note ?? '',
  ].filter((s) => s !== '');
  return extras.length === 0 ? base : `${base}; ${extras.join('; ')}`;
}

export async function readerScope(
  ws: Workspace,
  reader: { organisation: string; role: Role },
  at: Date,
): Promise<ReaderScope> {
  const batches = await ws.db.all<HeldBatch>(
    `SELECT DISTINCT b.source_kind, o.organisation AS supplier
       FROM batches b LEFT JOIN batch_owner o ON o.batch_id = b.batch_id
      WHERE b.status = 'active' AND ${DATA_KINDS_SQL.replaceAll('source_kind', 'b.source_kind')}
      ORDER BY 1, 2`,
  );
  const byDataset = new Map<string, (string | null)[]>();
  for (const b of batches) {
    const kind = datasetKindOf(b.source_kind);
    const list = byDataset.get(kind) ?? [];
    if (!list.includes(b.supplier)) list.push(b.supplier);
    byDataset.set(kind, list);
  }
  const datasets: DatasetAccess[] = [];
  const grants: SessionGrant[] = [];
  for (const [dataset, suppliers] of [...byDataset].sort(([a], [b]) => a.localeCompare(b))) {
    let least: { grant: Grant | null; reason: string } | undefined;
    for (const supplier of suppliers) {
      const decision = await accessFor(ws, reader, { kind: dataset, supplier }, at);
      const reason = describeGrant(decision.grant, decision.note);
      grants.push({
        dataset,
        supplier,
        level: decision.grant?.level ?? 'none',
        agreement: decision.grant?.agreement?.id ?? null,
        minimumCell: decision.grant?.min_cell_size ?? null,
        reason,
      });
      const rank = decision.grant === null ? 0 : LEVEL_RANK[decision.grant.level];
      const leastRank =
        least === undefined ? Infinity : least.grant === null ? 0 : LEVEL_RANK[least.grant.level];
      if (rank < leastRank) least = { grant: decision.grant, reason };
    }
    datasets.push({
      dataset,
      suppliers,
      level: least?.grant?.level ?? null,
      grant: least?.grant ?? null,
      reason: least?.reason ?? 'not held',
    });
  }
  return scopeOf(reader, datasets, grants);
}

/** The scope that follows from each dataset's access (pure: the rules, without the workspace). */
export function scopeOf(
  reader: { organisation: string; role: Role },
  datasets: DatasetAccess[],
  grants: SessionGrant[],
): ReaderScope {
  const levelOf = (dataset: string): DatasetAccess | undefined =>
    datasets.find((d) => d.dataset === dataset);
  const sources = (test: (d: DatasetAccess) => boolean): string[] =>
    Object.entries(INCIDENT_SOURCE_DATASETS)
      .filter(([, dataset]) => {
        const d = levelOf(dataset);
        return d !== undefined && d.grant !== null && test(d);
      })
      .map(([source]) => source);
  // A geography the live view cannot hold the answers to (not districts) leaves the dataset out.
  const districtsOk = (d: DatasetAccess): boolean =>
    d.grant!.geography === null || d.grant!.geography.every((c) => DISTRICT_CODE.test(c));
  const recordSources = sources((d) => LEVEL_RANK[d.level!] >= 2 && districtsOk(d));
  const wholeRecordSources = sources(
    (d) => d.level === 'record' && d.grant!.fields_withheld.length === 0 && districtsOk(d),
  );
  const aggregateSources = sources(() => true);
  // The districts every record-level grant covers (their intersection): a live answer mixes them.
  let districts: string[] | null = null;
  for (const source of recordSources) {
    const geography = levelOf(INCIDENT_SOURCE_DATASETS[source]!)!.grant!.geography;
    if (geography === null) continue;
    districts =
      districts === null ? [...geography] : districts.filter((c) => geography.includes(c));
  }
  const fieldsWithheld = [
    ...new Set(
      recordSources.flatMap(
        (source) => levelOf(INCIDENT_SOURCE_DATASETS[source]!)!.grant!.fields_withheld,
      ),
    ),
  ].sort();
  const health = levelOf('istv');
  const healthLive = health !== undefined && health.level !== null && LEVEL_RANK[health.level] >= 2;
  const assessed = datasets.filter(
    (d) =>
      d.grant !== null &&
      (d.dataset === 'istv' || Object.values(INCIDENT_SOURCE_DATASETS).includes(d.dataset)),
  );
  let assessmentDistricts: string[] | null = null;
  for (const d of assessed) {
    const geography = d.grant!.geography;
    if (geography === null) continue;
    assessmentDistricts =
      assessmentDistricts === null
        ? geography.filter((c) => DISTRICT_CODE.test(c))
        : assessmentDistricts.filter((c) => geography.includes(c));
  }
  const minima = datasets
    .filter((d) => d.grant !== null)
    .map((d) => d.grant!.min_cell_size ?? DEFAULT_PUBLIC_MINIMUM);
  const assessmentMinimum = Math.max(DEFAULT_PUBLIC_MINIMUM, ...minima);
  const view: SessionView =
    reader.role === 'auditor'
      ? 'audit'
      : recordSources.length > 0 && (districts === null || districts.length > 0)
        ? 'live'
        : // The assessment is of police records (A&E beside them): A&E alone gives no view.
          aggregateSources.length > 0
          ? 'assessment'
          : 'none';
  const key = JSON.stringify([
    view,
    recordSources,
    wholeRecordSources,
    aggregateSources,
    districts,
    fieldsWithheld,
    assessmentMinimum,
    healthLive,
    assessed.map((d) => d.dataset),
    assessmentDistricts,
  ]);
  return {
    organisation: reader.organisation,
    role: reader.role,
    datasets,
    recordSources,
    wholeRecordSources,
    aggregateSources,
    districts: districts === null ? null : [...districts].sort(),
    fieldsWithheld,
    assessmentMinimum,
    assessmentSources: assessed.map((d) => d.dataset),
    assessmentDistricts: assessmentDistricts === null ? null : [...assessmentDistricts].sort(),
    view,
    healthLive,
    grants,
    key,
  };
}

/** The source of a record and the district it is placed in (null: not placed); undefined: none. */
export async function recordPlace(
  ws: Workspace,
  id: number,
): Promise<{ source: string; district: string | null } | undefined> {
  return ws.db.one<{ source: string; district: string | null }>(
    `SELECT i.source, m.area_code AS district
       FROM incidents i
       LEFT JOIN incident_places p ON p.incident_id = i.id
       LEFT JOIN geo_memberships m ON m.lsoa_vintage = p.base_vintage AND m.lsoa_code = p.base_code
            AND m.level = 'district' AND m.is_primary
      WHERE i.id = $id
      LIMIT 1`,
    { id },
  );
}

/** Whether the reader reads every record of the workspace (all incident sources, every district). */
export function readsWholeWorkspace(scope: ReaderScope): boolean {
  return (
    scope.districts === null &&
    Object.keys(INCIDENT_SOURCE_DATASETS).every((s) => scope.recordSources.includes(s))
  );
}
