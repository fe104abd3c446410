import type { DashboardMeta } from '@api';
import type { Filters, FilterKey } from '../url';
import { fmtMonth, monthSpan } from '../format';
import { definitionOf } from './CountingLine';

export interface FiltersBarProps {
  meta: DashboardMeta;
  filters: Filters;
  onChange: (key: FilterKey, value: string) => void;
}

const SOURCE_LABELS: Record<string, string> = {
  'police-uk': 'police.uk (open data)',
  'force-extract': 'Force crime extract',
};

/** Period, area, definition and tier, source: the filters every page shares, kept in the address. */
export function FiltersBar({ meta, filters, onChange }: FiltersBarProps) {
  const months =
    meta.months.first === null || meta.months.last === null
      ? []
      : monthSpan(meta.months.first, meta.months.last);
  const definition = definitionOf(meta, filters.definition);
  const select = (key: FilterKey, label: string, options: { value: string; label: string }[]) => (
    <label className="filter">
      <span>{label}</span>
      <select
        name={key}
        value={filters[key] ?? ''}
        onChange={(e) => onChange(key, e.target.value)}
        data-testid={`filter-${key}`}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const districtsOnly = meta.areas.length > 0 && meta.areas.every((a) => a.level === 'district');
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {select('from', 'From', [
        { value: '', label: 'First month held' },
        ...months.map((m) => ({ value: m, label: fmtMonth(m) })),
      ])}
      {select('to', 'To', [
        { value: '', label: 'Last month held' },
        ...months.map((m) => ({ value: m, label: fmtMonth(m) })),
      ])}
      {select('area', 'Area', [
        // A reader whose agreements cover some districts is offered those districts only.
        ...(districtsOnly ? [] : [{ value: 'all', label: 'All areas held' }]),
        ...meta.areas.map((a) => ({
          value: a.value,
          label: `${a.within !== null && a.level !== 'force' && !districtsOnly ? '— ' : ''}${a.name}`,
        })),
      ])}
      {select(
        'definition',
        'Definition',
        meta.definitions.map((d) => ({
          value: d.id,
          label: `${d.title} (${d.id}@${d.version})${d.coverage === 'proxy' ? ' — proxy' : ''}`,
        })),
      )}
      {select('tier', 'Tier', [
        ...(definition?.tiers ?? []).map((t, i) => ({
          value: t.id,
          label: i === 0 ? `${t.label} (primary tier)` : t.label,
        })),
        { value: 'all', label: 'All records (any tier or none)' },
      ])}
      {select('source', 'Source', [
        { value: 'all', label: 'All sources (may count an incident twice)' },
        ...meta.sources
          .filter((s) => s.source !== 'istv')
          .map((s) => ({
            value: s.source,
            label: `${SOURCE_LABELS[s.source] ?? s.source}${s.synthetic ? ' — SYNTHETIC' : ''}`,
          })),
      ])}
    </form>
  );
}
