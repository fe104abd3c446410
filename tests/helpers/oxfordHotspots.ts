/**
 * The workspace behind the Oxford hotspot fixtures: Thames Valley police.uk months October 2018 to
 * January 2019 (2011 LSOA codes, as published), the Oxford LSOA 2011 polygons and the district
 * boundaries, from the shared open data in place. Used by the tests and by
 * scripts/reference/hotspot-fixtures.ts, which writes the fixtures, so both see the same input.
 */
import path from 'node:path';
import { silentReporter } from '../../src/core/reporter.js';
import { loadBoundaries } from '../../src/geo/loadBoundaries.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';

export const OXFORD = {
  district: 'E07000178',
  months: ['2018-10', '2018-11', '2018-12', '2019-01'],
  from: '2018-10',
  to: '2019-01',
  /** A coarser grid than the default 100 m keeps the fixture small. */
  cellSize: 200,
  /** LSOA contiguity tolerance (metres), for us and for spdep::poly2nb's snap. */
  snap: 1,
} as const;

export function oxfordFiles(sharedData: string): {
  street: string[];
  lsoa: string;
  districts: string;
} {
  return {
    street: OXFORD.months.map((m) =>
      path.join(
        sharedData,
        'police-uk',
        'thames-valley',
        'street',
        `${m}-thames-valley-street.csv`,
      ),
    ),
    lsoa: path.join(sharedData, 'boundaries', 'lsoa-2011-by-lad', `${OXFORD.district}.geojson`),
    districts: path.join(sharedData, 'boundaries', 'lad', 'lad-2019-uk.topojson'),
  };
}

export async function oxfordWorkspace(sharedData: string, file = ':memory:'): Promise<Workspace> {
  const ws = await openWorkspace(file, { create: true });
  const f = oxfordFiles(sharedData);
  const reporter = silentReporter;
  await ingestPoliceUk(ws, f.street, { reporter });
  await loadBoundaries(ws, [f.lsoa], { level: 'lsoa11', reporter });
  await loadBoundaries(ws, [f.districts], { level: 'district', reporter });
  await refreshDerivedData(ws, { reporter });
  return ws;
}
