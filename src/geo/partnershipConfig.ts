/**
 * The partnership configuration: which districts make each community safety partnership (and
 * which partnership sits within which), and which districts make each police force area. Shipped
 * for Oxfordshire in config/partnerships/oxfordshire.json. It also says in which district each
 * emergency department (A&E site) lies, so that A&E figures follow a selection by area.
 */
import { readFileSync } from 'node:fs';
import { OXFORDSHIRE_CONFIG } from './shippedPartnerships.js';
import { z } from 'zod';
import { SvdError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';

const districtCode = z.string().regex(/^[EWSN]\d{8}$/, 'a district code such as E07000178');
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');

export const PartnershipConfigSchema = z
  .object({
    name: z.string().min(1),
    note: z.string().optional(),
    forces: z
      .array(
        z.object({
          code: slug,
          name: z.string().min(1),
          districts: z.array(districtCode).min(1),
          /** The region the force lies in (E12…), the comparator of indicators published by region. */
          region: z
            .string()
            .regex(/^E12\d{6}$/, 'a region code such as E12000008')
            .optional(),
        }),
      )
      .default([]),
    partnerships: z
      .array(
        z.object({
          code: slug,
          name: z.string().min(1),
          districts: z.array(districtCode).min(1),
          within: slug.optional(),
          /**
           * The upper-tier local authority (county or unitary) whose area the partnership covers,
           * for indicators published by local authority (children's social care, youth justice,
           * exclusions): E10…, E06…, E08… or E09….
           */
          localAuthority: z
            .string()
            .regex(/^E(06|08|09|10)\d{6}$/, 'an upper-tier local authority code such as E10000025')
            .optional(),
        }),
      )
      .min(1),
    /**
     * Emergency departments (A&E sites, by the site code the ISTV data carries) and the district
     * each lies in: through the district, the partnerships and force areas it belongs to. A site
     * not listed has no known area (see docs/decisions/0060-area-of-figures.md).
     */
    sites: z
      .array(
        z
          .object({
            code: z.string().trim().min(1),
            name: z.string().min(1),
            district: districtCode,
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type PartnershipConfig = z.infer<typeof PartnershipConfigSchema>;

export { OXFORDSHIRE_CONFIG };

export function readPartnershipConfig(file: string): { config: PartnershipConfig; bytes: Buffer } {
  let bytes: Buffer;
  let json: unknown;
  try {
    bytes = readFileSync(file);
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'BAD_PARTNERSHIP_CONFIG',
      message: `cannot read the partnership configuration: ${(error as Error).message}`,
      location: { file },
      fix: 'give a JSON file like config/partnerships/oxfordshire.json',
    });
  }
  const parsed = PartnershipConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new SvdError({
      kind: 'input',
      code: 'BAD_PARTNERSHIP_CONFIG',
      message: 'the partnership configuration is not valid',
      location: { file },
      problems: parsed.error.issues.map((i) => ({
        file,
        field: i.path.join('.'),
        message: i.message,
      })),
      fix: 'correct the fields named above (see config/partnerships/oxfordshire.json)',
    });
  const config = parsed.data;
  const codes = new Set<string>();
  for (const p of [...config.partnerships, ...config.forces]) {
    if (codes.has(p.code))
      throw new SvdError({
        kind: 'input',
        code: 'BAD_PARTNERSHIP_CONFIG',
        message: `code ${JSON.stringify(p.code)} is used twice`,
        location: { file, value: p.code },
        fix: 'give every partnership and force its own code',
      });
    codes.add(p.code);
  }
  const siteCodes = new Set<string>();
  for (const s of config.sites) {
    if (siteCodes.has(s.code))
      throw new SvdError({
        kind: 'input',
        code: 'BAD_PARTNERSHIP_CONFIG',
        message: `site ${JSON.stringify(s.code)} is listed twice`,
        location: { file, field: 'sites', value: s.code },
        fix: 'list every emergency department once, with the district it lies in',
      });
    siteCodes.add(s.code);
  }
  const byCode = new Map(config.partnerships.map((p) => [p.code, p]));
  for (const p of config.partnerships) {
    const seen = new Set<string>([p.code]);
    let up = p.within;
    while (up !== undefined) {
      const parent = byCode.get(up);
      if (parent === undefined)
        throw new SvdError({
          kind: 'input',
          code: 'BAD_PARTNERSHIP_CONFIG',
          message: `partnership ${p.code} is within ${JSON.stringify(up)}, which is not in the file`,
          location: { file, field: 'within', value: up },
          fix: `use one of: ${[...byCode.keys()].join(', ')}`,
        });
      if (seen.has(up))
        throw new SvdError({
          kind: 'input',
          code: 'BAD_PARTNERSHIP_CONFIG',
          message: `partnerships are within each other in a circle (${[...seen, up].join(' → ')})`,
          location: { file, field: 'within' },
          fix: 'make the nesting a tree',
        });
      const outside = p.districts.filter((d) => !parent.districts.includes(d));
      if (outside.length > 0)
        throw new SvdError({
          kind: 'input',
          code: 'BAD_PARTNERSHIP_CONFIG',
          message: `partnership ${p.code} is within ${parent.code} but has districts outside it: ${outside.join(', ')}`,
          location: { file, field: 'districts' },
          fix: `add them to ${parent.code}, or correct ${p.code}`,
        });
      seen.add(up);
      up = parent.within;
    }
  }
  return { config, bytes };
}

export const PARTNERSHIP_KIND = 'partnerships';

export async function storedPartnershipConfig(
  ws: Workspace,
): Promise<{ batchId: number; config: PartnershipConfig } | undefined> {
  const json = await ws.db.valueMemo<string>(
    `SELECT value FROM geo_state WHERE key = 'partnerships'`,
  );
  if (json === undefined) return undefined;
  const stored = JSON.parse(json) as { batchId: number; config: PartnershipConfig };
  // Configurations stored before sites were part of them hold none.
  stored.config.sites ??= [];
  return stored;
}
