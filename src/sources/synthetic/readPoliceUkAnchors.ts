/**
 * Reads the police.uk street rows the synthetic generators are anchored on (files, folders,
 * .csv.gz or police.uk archive ZIPs), keeping only the crime types the generator uses, in file
 * and line order.
 */
import { SvdError } from '../../core/errors.js';
import { csvRecords } from '../csv/csvRecords.js';
import { collectInputs } from '../inputs/collectInputs.js';
import { inspectFile } from '../inputs/inspectFile.js';
import { STREET, matchHeader } from '../police-uk/formats.js';
import type { PoliceUkAnchor } from './synthForceExtract.js';

export interface AnchorSet {
  anchors: PoliceUkAnchor[];
  files: { file: string; sha256: string; rows: number; used: number }[];
}

export async function readPoliceUkAnchors(
  paths: readonly string[],
  crimeTypes: readonly string[],
): Promise<AnchorSet> {
  const inputs = await collectInputs(paths, {
    extensions: ['.csv', '.csv.gz'],
    wanted: (name) => !/-(outcomes|stop-and-search)\.csv(\.gz)?$/i.test(name),
  });
  const wanted = new Set(crimeTypes);
  const anchors: PoliceUkAnchor[] = [];
  const files: AnchorSet['files'] = [];
  try {
    if (inputs.files.length === 0) {
      throw new SvdError({
        kind: 'usage',
        code: 'NO_FILES',
        message: `no police.uk street files found in ${paths.join(', ')}`,
        fix: 'give police.uk street CSV files (.csv or .csv.gz), folders holding them, or police.uk archive ZIPs',
      });
    }
    for (const input of inputs.files) {
      const inspection = await inspectFile(input.localPath, { display: input.display });
      let names: (string | undefined)[] | undefined;
      let rows = 0;
      let used = 0;
      for await (const item of csvRecords({
        path: input.localPath,
        display: input.display,
        gzip: inspection.gzip,
      })) {
        if ('problem' in item) {
          throw new SvdError({
            kind: 'input',
            code: 'CSV_STRUCTURE',
            message: `this police.uk file cannot be read (${item.problem.kind})`,
            location: { file: input.display, line: item.problem.line },
            fix: 'check it with `svd ingest police-uk --dry-run`; download it again',
          });
        }
        if (names === undefined) {
          const match = matchHeader(item.fields);
          if (match === undefined || match.format !== STREET || match.missingRequired.length > 0) {
            throw new SvdError({
              kind: 'input',
              code: 'NOT_POLICE_UK_STREET',
              message: 'this is not a police.uk street-level crime file',
              location: { file: input.display, line: 1 },
              fix: 'anchor the synthetic data on police.uk street files (YYYY-MM-<force>-street.csv)',
            });
          }
          names = match.fileColumns;
          continue;
        }
        rows++;
        const row: Record<string, string> = {};
        names.forEach((name, i) => {
          if (name !== undefined) row[name] = item.fields[i] ?? '';
        });
        if (!wanted.has(row['crime_type'] ?? '')) continue;
        used++;
        anchors.push({
          month: row['month'] ?? '',
          longitude: row['longitude'] ?? '',
          latitude: row['latitude'] ?? '',
          lsoaCode: row['lsoa_code'] ?? '',
          lsoaName: row['lsoa_name'] ?? '',
          crimeType: row['crime_type'] ?? '',
          outcome: row['last_outcome'] ?? '',
        });
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(anchors.at(-1)!.month)) {
          throw new SvdError({
            kind: 'input',
            code: 'BAD_MONTH',
            message: `${JSON.stringify(row['month'])} is not a month`,
            location: { file: input.display, line: item.line, field: 'Month' },
            fix: 'police.uk months look like 2024-01; download the file again',
          });
        }
      }
      files.push({ file: input.display, sha256: inspection.sha256, rows, used });
    }
  } finally {
    await inputs.cleanup();
  }
  return { anchors, files };
}
