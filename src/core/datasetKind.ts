/**
 * The dataset a batch belongs to, by its source kind (police-uk-street → police-uk, istv-counts →
 * istv): the unit agreements name (src/access) and reports list (src/reports).
 */
export function datasetKindOf(sourceKind: string): string {
  if (sourceKind.startsWith('police-uk')) return 'police-uk';
  if (sourceKind.startsWith('istv')) return 'istv';
  return sourceKind;
}
