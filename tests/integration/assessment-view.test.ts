/**
 * The assessment a reader with aggregate access is given (`assessmentFor`), on real workspaces
 * built as the demo builds them: two police.uk months of Thames Valley, Oxford's LSOA boundaries,
 * the lookup, the partnership configuration, Census 2021 population and IMD 2019, classified under
 * the demo's definitions (POLICE_ONLY); then a copy of it given a seeded synthetic force extract
 * and A&E data anchored on the same rows, classified again (WITH_PARTNERS). Checks that no figure
 * is a small count, that a source outside the scope changes nothing, and that no withheld figure
 * follows from the published ones.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessmentFor, type AssessmentScope } from '../../src/app/access/assessmentView.js';
import { fixedClock } from '../../src/core/clock.js';
import { SvdError } from '../../src/core/errors.js';
import { silentReporter, type Reporter } from '../../src/core/reporter.js';
import { classifyIncidents } from '../../src/definitions/classifyIncidents.js';
import { shippedDefinition } from '../../src/definitions/shippedDefinitions.js';
import type { DisclosedFigure } from '../../src/disclosure/index.js';
import { loadDeprivation } from '../../src/geo/deprivation/loadDeprivation.js';
import { loadBoundaries } from '../../src/geo/loadBoundaries.js';
import { loadLookup } from '../../src/geo/loadLookup.js';
import { loadPartnershipConfig } from '../../src/geo/loadPartnershipConfig.js';
import { OXFORDSHIRE_CONFIG } from '../../src/geo/partnershipConfig.js';
import { placeIncidents } from '../../src/geo/placeIncidents.js';
import { loadPopulation } from '../../src/geo/population/loadPopulation.js';
import type { DisclosedSna, ShownTable } from '../../src/reports/sna/snaTypes.js';
import { ingestForceExtract } from '../../src/sources/force-extract/ingestForceExtract.js';
import { ingestIstv } from '../../src/sources/istv/ingestIstv.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { writeSyntheticFile } from '../../src/sources/synthetic/writeSynthetic.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { TV_STREET, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { determinedWithheld, extendedEntries } from '../helpers/withheldRecovery.js';

const dir = tempDir('svd-assessment-');
const POLICE_ONLY = path.join(dir, 'police-only.duckdb');
const WITH_PARTNERS = path.join(dir, 'with-partners.duckdb');
const MONTHS = ['2024-01', '2024-02'];
const DEFINITIONS = ['thames-valley-vru', 'police-uk-proxy'];
const AREA = 'csp=oxford';
const CLOCK = fixedClock('2024-06-01T12:00:00Z');
const reporter = silentReporter;

async function classifyAll(ws: Workspace): Promise<void> {
  await placeIncidents(ws, { reporter });
  for (const id of DEFINITIONS)
    await classifyIncidents(ws, shippedDefinition(id)!, { reporter, source: 'shipped' });
}

beforeAll(async () => {
  const street = MONTHS.map((m) => path.join(TV_STREET(), `${m}-thames-valley-street.csv`));
  const ws = await openWorkspace(POLICE_ONLY, { create: true });
  try {
    await ingestPoliceUk(ws, street, { reporter, forces: ['thames-valley'], datasets: ['street'] });
    await loadBoundaries(ws, [sharedData('boundaries', 'lsoa-2011-by-lad', 'E07000178.geojson')], {
      level: 'lsoa11',
      reporter,
    });
    await loadLookup(
      ws,
      sharedData('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz'),
      { reporter },
    );
    await loadPartnershipConfig(ws, OXFORDSHIRE_CONFIG, { reporter });
    await loadPopulation(
      ws,
      sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
      { reporter },
    );
    await loadDeprivation(ws, sharedData('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'), {
      reporter,
    });
    await classifyAll(ws);
  } finally {
    ws.close();
  }
  // The same workspace, then the partners' data: the batches both hold keep their numbers.
  copyFileSync(POLICE_ONLY, WITH_PARTNERS);
  const extract = path.join(dir, 'extract.csv');
  const istv = path.join(dir, 'istv.csv');
  for (const [kind, out] of [
    ['force-extract', extract],
    ['istv', istv],
  ] as const)
    await writeSyntheticFile({ kind, from: street, seed: 5, out, overwrite: true, reporter });
  const partners = await openWorkspace(WITH_PARTNERS);
  try {
    await ingestForceExtract(partners, [extract], {
      mapping: 'svd-synthetic',
      keyFile: `${WITH_PARTNERS}.key`,
      reporter,
    });
    await ingestIstv(partners, [istv], { reporter });
    await classifyAll(partners);
  } finally {
    partners.close();
  }
}, 600_000);

async function assess(
  db: string,
  scope: AssessmentScope,
  announce: Reporter = reporter,
): Promise<{ html: string; disclosed: DisclosedSna }> {
  const ws = await openWorkspace(db, { readOnly: true });
  try {
    return await assessmentFor(ws, scope, { cwd: dir, reporter: announce, clock: CLOCK });
  } finally {
    ws.close();
  }
}

/** Every disclosed figure anywhere in the answer, with where it is. */
function everyFigure(value: unknown, at = 'disclosed'): { at: string; figure: DisclosedFigure }[] {
  if (value === null || typeof value !== 'object') return [];
  if ('suppressed' in value && 'value' in value) return [{ at, figure: value as DisclosedFigure }];
  return Object.entries(value).flatMap(([k, v]) => everyFigure(v, `${at}.${k}`));
}

/**
 * The Spearman correlations between LSOA rates and deprivation, reduced to their domains. They
 * are the one part of the answer that the partners' data still moves: the census population of a
 * 2021 LSOA with no 2021 boundary loaded is carried to 2011 LSOAs by the located records that
 * carry its code — of every source (the record-points rows of the crosswalk that
 * src/geo/rebuildGeography.ts derives) — so the residents of 2011 LSOAs merged in 2021 shift
 * slightly with the force extract's points. Counts, and sums over an MSOA or more, do not move;
 * see the decision note 0076.
 */
function withoutCorrelations(d: DisclosedSna): DisclosedSna {
  return {
    ...d,
    deprivationCorrelations: d.deprivationCorrelations.map((c) => ({
      domain: c.domain,
      rho: null,
      pValue: null,
    })),
  };
}

function htmlWithoutCorrelations(html: string): string {
  return html
    .replace(/"deprivationCorrelations":\[[^\]]*\]/, '')
    .replace(
      /(<td>[a-z_]+<\/td>\s*<td class="num">)[^<]*(<\/td>\s*<td class="num">)[^<]*/g,
      '$1$2',
    );
}

const shownTables = (d: DisclosedSna): ShownTable[] =>
  Object.values(d.tables).filter((t): t is ShownTable => t !== null);

/** Counts of 1 … minimum − 1 published anywhere: figures, batch rows, printed table cells. */
function smallCounts(answer: { html: string; disclosed: DisclosedSna }, minimum: number): string[] {
  const small = (v: number): boolean => v > 0 && v < minimum;
  const found: string[] = [];
  const figures = everyFigure(answer.disclosed);
  for (const { at, figure } of figures)
    if (figure.suppressed === false && small(figure.value)) found.push(`${at}: ${figure.value}`);
  for (const b of answer.disclosed.batches)
    if (b.rows !== null && small(b.rows)) found.push(`batch ${b.id}: ${b.rows}`);
  for (const m of answer.html.matchAll(/<td class="num count[^"]*">([^<]*)<\/td>/g)) {
    const text = m[1]!.trim();
    if (text !== '[c]' && small(Number(text.replace(/,/g, '')))) found.push(`printed: ${text}`);
  }
  return found;
}

describe('assessmentFor', () => {
  for (const minimum of [5, 10])
    it(`publishes no count from 1 to ${minimum - 1}, of any source granted`, async () => {
      for (const sources of [['police-uk'], ['force-extract', 'istv']]) {
        const answer = await assess(WITH_PARTNERS, { area: AREA, minimum, sources });
        const d = answer.disclosed;
        expect(d.audience).toBe('public');
        expect(d.policy.minimum).toBe(minimum);
        expect(d.policy.healthMinimum).toBe(Math.max(8, minimum));
        const figures = everyFigure(d);
        // The answer holds figures, some published and, at these minimums, some withheld.
        expect(figures.length).toBeGreaterThan(50);
        expect(figures.some((f) => f.figure.suppressed === false && f.figure.value > 0)).toBe(true);
        expect(figures.some((f) => f.figure.suppressed !== false)).toBe(true);
        expect(smallCounts(answer, minimum), sources.join(',')).toEqual([]);
      }
    }, 300_000);

  it('the check above finds a small count where one is published', async () => {
    // The same workspace under the smallest minimum the policy knows: small counts are there.
    const ws = await openWorkspace(WITH_PARTNERS, { readOnly: true });
    try {
      const { buildSnaReport } = await import('../../src/reports/sna/buildSnaReport.js');
      const analyst = await buildSnaReport(
        ws,
        { area: AREA, definition: 'thames-valley-vru', disclosure: { audience: 'analyst' } },
        { cwd: dir, reporter, clock: CLOCK },
      );
      expect(smallCounts(analyst, 5).length).toBeGreaterThan(0);
    } finally {
      ws.close();
    }
  }, 300_000);

  it('draws on no source outside the scope: police.uk alone, with or without the partners’ data', async () => {
    const scope: AssessmentScope = { area: AREA, minimum: 5, sources: ['police-uk'] };
    const alone = await assess(POLICE_ONLY, scope);
    const messages: string[] = [];
    const besidePartners = await assess(WITH_PARTNERS, scope, {
      ...reporter,
      info: (m) => messages.push(m),
    });
    // Every figure, table, note and sentence is the same, and so is the page, but for one thing:
    // the LSOA-level correlations with deprivation (see withoutCorrelations).
    expect(withoutCorrelations(besidePartners.disclosed)).toEqual(
      withoutCorrelations(alone.disclosed),
    );
    expect(htmlWithoutCorrelations(besidePartners.html)).toBe(htmlWithoutCorrelations(alone.html));
    expect(besidePartners.disclosed.deprivationCorrelations.length).toBeGreaterThan(0);
    const d = besidePartners.disclosed;
    // The definition that police.uk rows can meet, announced.
    expect(d.definition.id).toBe('police-uk-proxy');
    expect(messages.some((m) => m.startsWith('definition: police-uk-proxy@1'))).toBe(true);
    expect(d.tables.health).toBeNull();
    expect(d.tables.healthMethod).toBeNull();
    for (const t of shownTables(d)) expect(t.disclosure.minimum).toBe(5);
    expect(d.batches.map((b) => b.kind)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(force-extract|istv)/)]),
    );
    expect(d.coverage.map((c) => c.source)).toEqual(['police-uk (thames-valley)']);
    expect(besidePartners.html).not.toContain('ISTV data is held');
    expect(besidePartners.html).toContain('A&amp;E (ISTV) data is not among the sources');
    // The whole SNA of that workspace does draw on the partners' data: the scope is what differs.
    const ws = await openWorkspace(WITH_PARTNERS, { readOnly: true });
    try {
      const { gatherSnaData } = await import('../../src/reports/sna/gatherSnaData.js');
      const all = await gatherSnaData(
        ws,
        { area: AREA, definition: 'police-uk-proxy' },
        { cwd: dir, reporter, clock: CLOCK },
      );
      expect(all.batches.map((b) => b.kind)).toEqual(
        expect.arrayContaining(['force-extract', 'istv']),
      );
      expect(all.tables.volumes.sources).toContain('force-extract');
    } finally {
      ws.close();
    }
  }, 300_000);

  it('gives the force extract and A&E without police.uk, health at its own minimum', async () => {
    const answer = await assess(WITH_PARTNERS, {
      area: AREA,
      minimum: 5,
      sources: ['force-extract', 'istv'],
    });
    const d = answer.disclosed;
    expect(d.definition.id).toBe('thames-valley-vru');
    for (const t of [d.tables.volumes, d.tables.trend, d.tables.domestic])
      expect(t.columnTotals.length).toBeGreaterThan(0);
    expect(d.batches.map((b) => b.kind)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^police-uk/)]),
    );
    expect(d.coverage.map((c) => c.source)).toEqual(['force-extract (thames-valley)']);
    expect(d.caveats.join(' ')).not.toContain('police.uk');
    expect(d.tables.health).not.toBeNull();
    expect(d.tables.health!.disclosure.minimum).toBe(8);
  }, 300_000);

  it('leaves no withheld figure recoverable from the margins of any table', async () => {
    let withheldTables = 0;
    for (const [minimum, sources] of [
      [5, ['police-uk']],
      [10, ['police-uk']],
      [5, ['force-extract', 'istv']],
      [10, ['force-extract', 'istv']],
    ] as const) {
      const { disclosed } = await assess(WITH_PARTNERS, { area: AREA, minimum, sources });
      for (const t of shownTables(disclosed)) {
        if (extendedEntries(t).some((e) => e.figure.suppressed !== false)) withheldTables++;
        expect(determinedWithheld(t), `${t.id} (minimum ${minimum})`).toEqual([]);
      }
    }
    // The check ran on tables with figures withheld.
    expect(withheldTables).toBeGreaterThan(3);
  }, 300_000);

  it('the rank check finds a withheld figure the margins give back', () => {
    const shown = (value: number): DisclosedFigure => ({
      suppressed: false,
      value,
      rounded: false,
    });
    const hidden: DisclosedFigure = { suppressed: 'primary', value: null, rounded: false };
    // One cell withheld, its row's other cell and total published: 9 − 6 = 3.
    expect(
      determinedWithheld({
        cells: [
          [hidden, shown(6)],
          [shown(7), shown(8)],
        ],
        rowTotals: [shown(9), shown(15)],
        columnTotals: [shown(10), shown(14)],
        total: shown(24),
      }),
    ).toEqual([[0, 0]]);
  });

  it('refuses a minimum below the public one, a scope without sources or with one unknown', async () => {
    const ws = await openWorkspace(POLICE_ONLY, { readOnly: true });
    try {
      const context = { cwd: dir, reporter, clock: CLOCK };
      await expect(
        assessmentFor(ws, { area: AREA, minimum: 3, sources: ['police-uk'] }, context),
      ).rejects.toMatchObject({ code: 'ASSESSMENT_MINIMUM', kind: 'usage' });
      await expect(
        assessmentFor(ws, { area: AREA, minimum: 5, sources: [] }, context),
      ).rejects.toMatchObject({ code: 'ASSESSMENT_NO_SOURCES' });
      await expect(
        assessmentFor(ws, { area: AREA, minimum: 5, sources: ['police_uk'] }, context),
      ).rejects.toMatchObject({
        code: 'ASSESSMENT_UNKNOWN_SOURCE',
        message: expect.stringContaining('"police_uk"'),
        fix: expect.stringContaining('police-uk, force-extract'),
      });
      // The force extract is granted but this workspace holds none.
      const refused = await assessmentFor(
        ws,
        { area: AREA, minimum: 5, sources: ['force-extract'] },
        context,
      ).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SvdError);
      expect(refused).toMatchObject({ code: 'ASSESSMENT_NOTHING_SELECTED' });
      expect((refused as SvdError).fix).toBeTruthy();
    } finally {
      ws.close();
    }
  }, 300_000);

  it('carries no inline script: the only script element is the data block', async () => {
    const { html } = await assess(WITH_PARTNERS, {
      area: AREA,
      minimum: 5,
      sources: ['force-extract', 'istv'],
    });
    const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
    expect(scripts).toEqual(['<script type="application/json" id="sna-data">']);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/javascript:/i);
  }, 300_000);
});
