/**
 * Counts by area for a map: the areas' counts published as one column with its total, so the same
 * primary and secondary suppression applies as to any table (an area's count cannot be worked out
 * from the total and the others). A withheld area is drawn hatched, never coloured by a value.
 */
import type { DisclosurePolicy } from './disclosurePolicy.js';
import type { DisclosedFigure } from './discloseFigure.js';
import { discloseTable } from './discloseTable.js';

export interface DisclosedAreas {
  figures: Map<string, DisclosedFigure>;
  total: DisclosedFigure;
  /** Codes of the areas to draw hatched (their count is withheld). */
  hatched: string[];
}

/** An SVG pattern for withheld areas: grey diagonal lines, readable in print and in greyscale. */
export const HATCH_PATTERN_ID = 'svd-withheld';

export function hatchPattern(id: string = HATCH_PATTERN_ID): string {
  return `<pattern id="${id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6b6b6b" stroke-width="2"/></pattern>`;
}

export function discloseAreas(
  areas: readonly { code: string; count: number }[],
  policy: DisclosurePolicy,
  sources: readonly string[],
): DisclosedAreas {
  const t = discloseTable(
    {
      rows: areas.map((a) => a.code),
      columns: ['count'],
      cells: areas.map((a) => [a.count]),
      sources,
    },
    policy,
  );
  const figures = new Map<string, DisclosedFigure>();
  areas.forEach((a, i) => figures.set(a.code, t.cells[i]![0]!));
  return {
    figures,
    total: t.total,
    hatched: areas.filter((a) => figures.get(a.code)!.suppressed !== false).map((a) => a.code),
  };
}
