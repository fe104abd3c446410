/**
 * Ready-made measures: the Home Office Serious Violence Duty success measures, each a tier of the
 * shipped `home-office-success-measures` definition. A measure naming a preset takes its fields,
 * and any field the measure sets itself wins. The strategy file keeps the preset's name (not its
 * fields), so a file stays as the partnership wrote it.
 */
import type { Measure } from './schema.js';

export interface MeasurePreset {
  id: string;
  title: string;
  fields: Partial<Measure>;
}

const HO = 'home-office-success-measures';

const preset = (
  id: string,
  title: string,
  tier: string,
  extra: Partial<Measure> = {},
): MeasurePreset => ({
  id,
  title,
  fields: { title, definition: HO, tier, metric: 'count', period: 'financial-year', ...extra },
});

export const MEASURE_PRESETS: readonly MeasurePreset[] = [
  preset(
    'ho-knife-enabled-serious-violence',
    'Knife-enabled serious violence recorded by police',
    'knife-enabled-serious-violence',
  ),
  preset(
    'ho-knife-enabled-serious-violence-under-25',
    'Knife-enabled serious violence recorded by police, victims under 25',
    'knife-enabled-under-25',
  ),
  preset('ho-non-domestic-homicide', 'Non-domestic homicides', 'non-domestic-homicide'),
  preset(
    'ho-non-domestic-knife-homicide-under-25',
    'Non-domestic knife homicides, victims under 25',
    'non-domestic-knife-homicide-under-25',
  ),
  preset(
    'ho-sharp-object-admissions',
    'Hospital admissions for assault with a knife or sharp object',
    'sharp-object-admissions',
  ),
  preset(
    'ho-sharp-object-admissions-under-25',
    'Hospital admissions for assault with a knife or sharp object, under 25s',
    'sharp-object-admissions-under-25',
  ),
];

export function findPreset(id: string): MeasurePreset | undefined {
  return MEASURE_PRESETS.find((p) => p.id === id);
}

/** The measure with its preset's fields filled in where it sets none. */
export function resolveMeasure(measure: Measure): Measure {
  if (measure.preset === undefined) return measure;
  const p = findPreset(measure.preset);
  if (p === undefined) return measure;
  const out: Record<string, unknown> = { ...p.fields };
  for (const [k, v] of Object.entries(measure)) if (v !== undefined) out[k] = v;
  return out as Measure;
}
