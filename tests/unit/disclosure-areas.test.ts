/** Counts by area for maps, and entries withheld because another table withholds them. */
import { describe, expect, it } from 'vitest';
import {
  HATCH_PATTERN_ID,
  discloseAreas,
  disclosurePolicy,
  hatchPattern,
  suppressTable,
} from '../../src/disclosure/index.js';

const PUBLIC = disclosurePolicy({ audience: 'public' });

describe('discloseAreas', () => {
  it('hatches small areas and one more, so the total does not give a small one back', () => {
    const areas = [
      { code: 'A', count: 3 },
      { code: 'B', count: 40 },
      { code: 'C', count: 12 },
      { code: 'D', count: 0 },
    ];
    const d = discloseAreas(areas, PUBLIC, ['force-extract']);
    expect(d.hatched).toEqual(['A', 'C']);
    expect(d.figures.get('B')).toEqual({ suppressed: false, value: 40, rounded: false });
    expect(d.figures.get('D')).toEqual({ suppressed: false, value: 0, rounded: false });
    expect(d.total).toEqual({ suppressed: false, value: 55, rounded: false });
  });

  it('follows the health rule for health data, and hides nothing for analysts', () => {
    const areas = [
      { code: 'A', count: 7 },
      { code: 'B', count: 9 },
      { code: 'C', count: 30 },
    ];
    expect(discloseAreas(areas, PUBLIC, ['istv']).hatched).toContain('A');
    expect(discloseAreas(areas, PUBLIC, ['force-extract']).hatched).toEqual([]);
    expect(
      discloseAreas(areas, disclosurePolicy({ audience: 'analyst' }), ['istv']).hatched,
    ).toEqual([]);
  });

  it('draws withheld areas with a pattern a map can refer to', () => {
    expect(hatchPattern()).toContain(`<pattern id="${HATCH_PATTERN_ID}"`);
    expect(hatchPattern('x')).toContain('<pattern id="x"');
  });
});

describe('suppressTable alsoHide', () => {
  it('withholds an entry hidden elsewhere and protects it like a small one', () => {
    const cells = [
      [20, 30],
      [40, 50],
    ];
    expect(suppressTable({ cells, minimum: 5 }).rowTotalsHidden).toEqual([false, false]);
    // Row 0's total (extended column 2) is withheld in another table.
    const s = suppressTable({ cells, minimum: 5, alsoHide: [[0, 2]] });
    expect(s.rowTotalsHidden[0]).toBe('secondary');
    // Not recoverable: another row total and the grand total or cells go with it.
    const hidden = [
      ...s.cells.flat(),
      ...s.rowTotalsHidden,
      ...s.columnTotalsHidden,
      s.totalHidden,
    ].filter((m) => m !== false).length;
    expect(hidden).toBeGreaterThanOrEqual(4);
  });
});
