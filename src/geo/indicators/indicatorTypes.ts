/**
 * What every indicator layout shares: the layouts, an indicator's metadata, the markers that
 * stand for a missing value, and the report of a load (docs/decisions/0079-indicators.md).
 */

export const INDICATOR_LAYOUTS = [
  'ees',
  'fingertips',
  'lait',
  'iod2025',
  'census-ts011',
  'tidy',
] as const;
export type IndicatorLayout = (typeof INDICATOR_LAYOUTS)[number];

export const POLARITIES = ['higher-is-better', 'higher-is-worse', 'neutral', 'unknown'] as const;
export type Polarity = (typeof POLARITIES)[number];

/**
 * Publishers' markers for a value that is not given (EES: c confidential, x not available,
 * z not applicable, u low reliability, k; ONS `..`; LAIT `-`). A blank cell is the marker ''.
 */
export const MISSING_MARKERS = ['c', 'x', 'z', 'u', 'k', '..', '-', ':'] as const;

export const OGL = 'Open Government Licence v3.0';

export interface IndicatorMeta {
  indicatorId: string;
  name: string;
  definition: string | null;
  unit: string | null;
  polarity: Polarity;
  publisher: string | null;
  licence: string | null;
  periodType: string | null;
  topic: string | null;
  disclosure: 'published' | 'partner';
}

export interface IndicatorWarning {
  code: string;
  message: string;
  count: number;
}

export interface IndicatorLoadReport {
  file: string;
  layout: IndicatorLayout;
  batchId: number;
  rowsRead: number;
  indicators: number;
  /** Values held (numbers) and missing (a marker or a blank) stored from the file. */
  values: number;
  missing: number;
  levels: string[];
  /** Codes the file gave that svd stores as their current code (published_code keeps them). */
  codeChanges: { from: string; to: string; values: number }[];
  warnings: IndicatorWarning[];
  /** Indicators of earlier loads that these values replaced. */
  replaced: number;
  superseded: number[];
}
