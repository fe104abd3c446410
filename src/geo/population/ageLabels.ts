/**
 * Reading age bands and sexes out of the labels population tables use, in headers ("Dependent
 * Children aged 0-15: mid 2015", "M0-4", "Males aged 90+") or in cells ("Aged 15 years and under",
 * "Aged 16 to 24 years", "65 and over", "All ages").
 */
export interface AgeBand {
  min: number;
  /** null: open-ended ("90+"). */
  max: number | null;
}

export type PopulationSex = 'all' | 'female' | 'male';

const TOTAL =
  /^(all( ages| persons| usual residents| people)?|total( population)?|persons|all usual residents)\b/i;

export function parseSex(text: string): PopulationSex | undefined {
  const t = text.trim().toLowerCase();
  if (/^(f|females?|women|girls)$/.test(t)) return 'female';
  if (/^(m|males?|men|boys)$/.test(t)) return 'male';
  if (/^(all|persons|people|total|all persons|both|all sexes)$/.test(t)) return 'all';
  return undefined;
}

/** The age band a label names, or undefined when it names none (or an ambiguous one). */
export function parseAgeLabel(label: string): AgeBand | undefined {
  const t = label.trim();
  if (TOTAL.test(t) && !/\d/.test(t.replace(/\b(19|20)\d\d\b/g, ''))) return { min: 0, max: null };
  // A number must not run on into "/64" or ".5": "18-59/64" is no band.
  const n = String.raw`(?<![\d.])(\d{1,3})(?![\d/.])`;
  const patterns: [RegExp, (m: RegExpExecArray) => AgeBand][] = [
    [
      new RegExp(
        String.raw`(?:aged?\s*)?${n}\s*(?:years?\s*)?(?:and|or)\s*(?:under|younger|below)`,
        'i',
      ),
      (m) => ({ min: 0, max: Number(m[1]) }),
    ],
    [new RegExp(String.raw`under\s*${n}`, 'i'), (m) => ({ min: 0, max: Number(m[1]) - 1 })],
    [
      new RegExp(
        String.raw`(?:aged?\s*)?${n}\s*(?:years?\s*)?(?:and|or)\s*(?:over|older|above)`,
        'i',
      ),
      (m) => ({ min: Number(m[1]), max: null }),
    ],
    [
      new RegExp(String.raw`(?:aged?\s*)?${n}\s*\+`, 'i'),
      (m) => ({ min: Number(m[1]), max: null }),
    ],
    [
      new RegExp(String.raw`(?:aged?\s*)?${n}\s*(?:-|–|to)\s*${n}`, 'i'),
      (m) => ({ min: Number(m[1]), max: Number(m[2]) }),
    ],
    [
      new RegExp(String.raw`^(?:aged?\s*)${n}(?:\s*years?)?$`, 'i'),
      (m) => ({ min: Number(m[1]), max: Number(m[1]) }),
    ],
  ];
  for (const [re, make] of patterns) {
    const m = re.exec(t);
    if (m === null) continue;
    const band = make(m);
    if (band.max !== null && band.max < band.min) return undefined;
    return band;
  }
  return undefined;
}

/** Sex named at the start of a header such as "Males 0-4", "F 90+", "M0-4", "Female: aged 16 to 24". */
export function splitSexPrefix(label: string): { sex: PopulationSex | undefined; rest: string } {
  const m = /^\s*(females?|males?|persons|f|m)(?=[\s:_-]|\d)[\s:_-]*(.*)$/i.exec(label);
  if (m === null) return { sex: undefined, rest: label };
  return { sex: parseSex(m[1]!), rest: m[2]! };
}

export const formatBand = (b: AgeBand): string =>
  b.max === null ? (b.min === 0 ? 'all ages' : `${b.min}+`) : `${b.min}-${b.max}`;

export function parseAgeRange(text: string): AgeBand | undefined {
  const m = /^(\d{1,3})(?:-(\d{1,3})|\+)$/.exec(text.trim());
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? null : Number(m[2]);
  return max !== null && max < min ? undefined : { min, max };
}
