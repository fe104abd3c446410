import type { ClassifiedDefinition, DashboardMeta } from '@api';
import type { Filters } from '../url';

/** The definition the filters name (`ID` or `ID@VERSION`), among those classified. */
export function definitionOf(
  meta: DashboardMeta,
  spec: string | undefined,
): ClassifiedDefinition | undefined {
  return meta.definitions.find((d) => d.id === spec || `${d.id}@${d.version}` === spec);
}

/**
 * What the page counts, in words: "Serious violence (primary tier of thames-valley-vru v1)" by
 * default, another tier when one is chosen, or all records when "All records" is.
 */
export function countingWords(meta: DashboardMeta, filters: Filters): string {
  const d = definitionOf(meta, filters.definition);
  if (d === undefined) return 'All records (no definition classified)';
  const of = `${d.id} v${d.version}`;
  const tier = filters.tier ?? 'all';
  if (tier === 'all') return `All records, whatever their tier under ${of}`;
  const index = d.tiers.findIndex((t) => t.id === tier);
  if (index === 0) return `Serious violence (primary tier of ${of})`;
  return `${d.tiers[index]?.label ?? tier} (tier ${tier} of ${of})`;
}

/** The line at the top of a page saying what it counts, and how to count everything. */
export function CountingLine({ meta, filters }: { meta: DashboardMeta; filters: Filters }) {
  const all = (filters.tier ?? 'all') === 'all';
  return (
    <p className="counting" data-testid="counting">
      Counting: <strong>{countingWords(meta, filters)}</strong>.{' '}
      {all
        ? 'Choose a tier under Tier to count serious violence only.'
        : 'Choose “All records” under Tier to count every record.'}
    </p>
  );
}
