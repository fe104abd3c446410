/**
 * Which LSOA vintage (2011 or 2021) a police.uk file uses. police.uk moved from 2011 to 2021 LSOA
 * codes; a file does not say which it uses. Codes created in 2021 are numbered after the last
 * 2011 code (England E01033768, Wales W01001958), so one such code proves the 2021 vintage. A file
 * without any is 2011 when its month precedes the 2021 Census boundaries, and otherwise assumed
 * 2011 with a warning (a file of a force whose LSOAs did not change cannot be told apart).
 */
export type LsoaVintage = 2011 | 2021;
export type LsoaVintageBasis = 'codes' | 'month' | 'assumed' | 'none';

export const LAST_2011_CODE = { E: 33768, W: 1958 } as const;

/** SQL predicate: the code exists only in the 2021 set. */
export const sqlIs2021OnlyCode = (column: string): string =>
  `((${column} LIKE 'E01%' AND TRY_CAST(substr(${column}, 4) AS INTEGER) > ${LAST_2011_CODE.E})
    OR (${column} LIKE 'W01%' AND TRY_CAST(substr(${column}, 4) AS INTEGER) > ${LAST_2011_CODE.W}))`;

export function is2021OnlyCode(code: string): boolean {
  const m = /^([EW])01(\d{6})$/.exec(code);
  if (m === null) return false;
  return Number(m[2]) > LAST_2011_CODE[m[1] as 'E' | 'W'];
}

/** The first month whose data could use 2021 LSOAs (the 2021 boundaries date from Census day). */
export const FIRST_POSSIBLE_2021_MONTH = '2021-03';

export function decideVintage(input: {
  codedRows: number;
  codes2021Only: number;
  latestMonth: string;
}): { vintage: LsoaVintage | null; basis: LsoaVintageBasis } {
  if (input.codedRows === 0) return { vintage: null, basis: 'none' };
  if (input.codes2021Only > 0) return { vintage: 2021, basis: 'codes' };
  if (input.latestMonth < FIRST_POSSIBLE_2021_MONTH) return { vintage: 2011, basis: 'month' };
  return { vintage: 2011, basis: 'assumed' };
}
