/**
 * Indicator periods as publishers write them, worked by hand: EES `202324` and `2024` with their
 * time identifier, LAIT's `2016-17 (OT)`, pooled `2013/14-15/16` and `2014-16`, `2018 (Rev)` and
 * the bogus year `0`; the layouts a header fits; IoD polarity by column name.
 */
import { describe, expect, it } from 'vitest';
import { parsePeriod, yearKind } from '../../src/geo/indicators/indicatorPeriod.js';
import { detectLayout } from '../../src/geo/indicators/loadIndicators.js';
import { iodPolarity } from '../../src/geo/indicators/loadIod2025.js';

describe('indicator periods', () => {
  it.each([
    ['202324', 'Academic year', '2023/24', '2023-09-01', '2024-08-31'],
    ['202324', 'Financial year', '2023/24', '2023-04-01', '2024-03-31'],
    ['2025', 'Reporting year', '2025', '2024-04-01', '2025-03-31'],
    ['2023', 'Calendar year', '2023', '2023-01-01', '2023-12-31'],
    ['2024', 'Calendar Year', '2024', '2024-01-01', '2024-12-31'],
    ['2015/16', 'Academic Year', '2015/16', '2015-09-01', '2016-08-31'],
    ['2010/11', 'financial', '2010/11', '2010-04-01', '2011-03-31'],
    ['2016-17 (OT)', 'Financial Year', '2016/17 (OT)', '2016-04-01', '2017-03-31'],
    ['2024-25', 'Financial Year', '2024/25', '2024-04-01', '2025-03-31'],
    ['2013/14-15/16', 'Financial Year', '2013/14-15/16', '2013-04-01', '2016-03-31'],
    ['2014-16', 'Calendar Year', '2014-16', '2014-01-01', '2016-12-31'],
    ['2018 (Rev)', 'Academic Year', '2018 (Rev)', '2017-09-01', '2018-08-31'],
    ['1999/00', 'Financial Year', '1999/00', '1999-04-01', '2000-03-31'],
    ['2021', 'census', '2021', '2021-03-21', '2021-03-21'],
  ])('%s (%s) → %s, %s to %s', (raw, kind, period, start, end) => {
    expect(parsePeriod(raw, yearKind(kind))).toEqual({ period, start, end });
  });

  it('a single year of an unknown kind has no dates rather than wrong ones', () => {
    expect(parsePeriod('2025', yearKind('index year'))).toEqual({
      period: '2025',
      start: null,
      end: null,
    });
    expect(parsePeriod('Q3 2024', 'unknown')).toEqual({
      period: 'Q3 2024',
      start: null,
      end: null,
    });
  });

  it('year 0 and a blank are no period', () => {
    expect(parsePeriod('0', 'academic')).toBeNull();
    expect(parsePeriod(' ', 'calendar')).toBeNull();
  });
});

describe('layouts by header', () => {
  it.each([
    [['time_period', 'time_identifier', 'geographic_level', 'x'], 'ees'],
    [
      [
        'Indicator ID',
        'Indicator Name',
        'Area Code',
        'Area Name',
        'Area Type',
        'Time period',
        'Value',
      ],
      'fingertips',
    ],
    [
      ['Short Desc', 'Data item', 'Years', 'LA and Regions', 'Values', 'LA Number', 'Region'],
      'lait',
    ],
    [
      ['lsoa21_code', 'households_number_deprivation_dimensions', 'count', 'percent'],
      'census-ts011',
    ],
    [['lsoa21_code', 'IMD_decile'], 'iod2025'],
    [['ltla24_code', 'ltla24_name', 'imd_average_rank'], 'iod2025'],
    [['foo', 'bar'], undefined],
  ])('%j → %s', (header, layout) => {
    expect(detectLayout(header)).toBe(layout);
  });
});

describe('IoD2025 polarity', () => {
  it.each([
    ['IMD_decile', 'higher-is-better'],
    ['Crime_rank', 'higher-is-better'],
    ['imd_rank_of_average_score', 'higher-is-better'],
    ['IMD_score', 'higher-is-worse'],
    ['violence_with_injury_rate_per_1_000_at_risk_population', 'higher-is-worse'],
    ['income_domain_numerator', 'higher-is-worse'],
  ])('%s → %s', (column, polarity) => {
    expect(iodPolarity(column)).toBe(polarity);
  });
});
