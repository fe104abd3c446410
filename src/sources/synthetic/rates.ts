/**
 * Every rate the synthetic generators use, in one place. docs/synthetic-data.md gives the source
 * and the reasoning for each; the numbers are rounded approximations of published national
 * figures (or, where none is published, stated assumptions), good for realistic test data and
 * demonstrations, and NOT for any statistic about a real place.
 */
import type { LocationType } from '../../core/vocabulary.js';

/** An offence the force extract generator can draw. */
export interface OffenceRate {
  code: string;
  description: string;
  /** Share within its police.uk crime type (normalised over the type's offences). */
  share: number;
  /**
   * Statute text as the extract writes it, with its share when it varies (8N: s.47 vs s.20), and
   * the Home Office sub-code and offence description that go with it (8/6 ABH, 8/1 GBH).
   */
  statutes?: readonly StatuteVariant[];
  /** The Home Office sub-code when the class has one (written as the extract does: 004/01). */
  subcode?: string;
  knife: number;
  domestic: number;
  firearm?: number;
  countyLines?: number;
  drugRelated?: number;
  alcohol?: number;
  /** 'female' / 'male' when the code fixes the victim's sex; an age range when it fixes the age. */
  victimSex?: 'female' | 'male';
  victimAge?: readonly [number, number];
  /** No personal victim (drug and weapon possession, trafficking). */
  noVictim?: boolean;
  /** Offences that run over days (stalking, harassment, coercive control). */
  course?: boolean;
  pattern: TimePattern;
}

/** Which time-of-week profile an offence follows. */
export type TimePattern =
  'night-economy' | 'domestic' | 'robbery' | 'proactive' | 'sexual' | 'daytime';

/** A statute an offence is recorded under, with the sub-code and description that go with it. */
export interface StatuteVariant {
  text: string;
  share: number;
  /** Home Office class/sub-classification as the extract writes it (008/01). */
  subcode?: string;
  /** The offence description the extract gives (else the class's description). */
  description?: string;
}

// Sub-codes: Home Office offence code table (see reference/README.md): 8/1 wounding or inflicting
// GBH without intent (s.20), 8/6 assault occasioning ABH (s.47), 8/46 and 8/47 their racially or
// religiously aggravated forms, 5/1 wounding or GBH with intent (s.18).
const S47 = {
  text: 'OAPA 1861 s.47',
  share: 0.92,
  subcode: '008/06',
  description: 'Assault occasioning actual bodily harm',
};
const S20 = {
  text: 'OAPA 1861 s.20',
  share: 0.08,
  subcode: '008/01',
  description: 'Wounding or inflicting grievous bodily harm without intent',
};
const S47_AGGRAVATED = {
  ...S47,
  subcode: '008/47',
  description: 'Racially or religiously aggravated assault occasioning actual bodily harm',
};
const S20_AGGRAVATED = {
  ...S20,
  subcode: '008/46',
  description: 'Racially or religiously aggravated wounding or inflicting grievous bodily harm',
};

/**
 * Offence shares within each police.uk crime type the generator reads. Shares are approximate
 * proportions of police recorded crime in England and Wales, year ending March 2024 (ONS, Crime
 * in England and Wales, Appendix tables), rounded; see docs/synthetic-data.md.
 */
export const OFFENCES: Readonly<Record<string, readonly OffenceRate[]>> = {
  'Violence and sexual offences': [
    {
      code: '1',
      description: 'Murder',
      share: 0.0002,
      knife: 0.4,
      domestic: 0.2,
      firearm: 0.04,
      pattern: 'night-economy',
    },
    {
      code: '4.1',
      subcode: '004/01',
      description: 'Manslaughter',
      share: 0.00004,
      knife: 0.2,
      domestic: 0.15,
      pattern: 'night-economy',
    },
    {
      code: '4.2',
      subcode: '004/02',
      description: 'Infanticide',
      share: 0.000003,
      knife: 0,
      domestic: 1,
      victimAge: [0, 0],
      pattern: 'domestic',
    },
    {
      code: '2',
      description: 'Attempted murder',
      share: 0.0005,
      knife: 0.5,
      domestic: 0.2,
      firearm: 0.03,
      pattern: 'night-economy',
    },
    {
      code: '4.4',
      subcode: '004/04',
      description: 'Causing death by dangerous driving',
      share: 0.0004,
      knife: 0,
      domestic: 0,
      pattern: 'daytime',
    },
    {
      code: '5D',
      description: 'Assault with intent to cause serious harm',
      share: 0.012,
      statutes: [
        {
          text: 'OAPA 1861 s.18',
          share: 1,
          subcode: '005/01',
          description: 'Wounding or causing grievous bodily harm with intent',
        },
      ],
      knife: 0.2,
      domestic: 0.15,
      firearm: 0.01,
      countyLines: 0.02,
      alcohol: 0.25,
      pattern: 'night-economy',
    },
    {
      code: '5E',
      description: 'Endangering life',
      share: 0.001,
      knife: 0.1,
      domestic: 0.1,
      pattern: 'night-economy',
    },
    {
      code: '8N',
      description: 'Assault with injury',
      share: 0.2,
      statutes: [S47, S20],
      knife: 0.025,
      domestic: 0.4,
      alcohol: 0.2,
      pattern: 'night-economy',
    },
    {
      code: '8P',
      description: 'Racially or religiously aggravated assault with injury',
      share: 0.003,
      statutes: [S47_AGGRAVATED, S20_AGGRAVATED],
      knife: 0.02,
      domestic: 0.02,
      alcohol: 0.2,
      pattern: 'night-economy',
    },
    {
      code: '8S',
      description: 'Assault with injury on a constable',
      share: 0.006,
      // The sub-code of assault with injury on a constable was not confirmed: none is written.
      statutes: [{ text: S47.text, share: 1 }],
      knife: 0.01,
      domestic: 0,
      alcohol: 0.4,
      pattern: 'night-economy',
    },
    {
      code: '3B',
      description: 'Threats to kill',
      share: 0.025,
      knife: 0.15,
      domestic: 0.35,
      pattern: 'domestic',
    },
    {
      code: '105A',
      description: 'Assault without injury',
      share: 0.22,
      knife: 0.004,
      domestic: 0.38,
      alcohol: 0.15,
      pattern: 'night-economy',
    },
    {
      code: '105B',
      description: 'Racially or religiously aggravated assault without injury',
      share: 0.004,
      knife: 0.003,
      domestic: 0.02,
      pattern: 'night-economy',
    },
    {
      code: '104',
      description: 'Assault without injury on a constable',
      share: 0.015,
      knife: 0,
      domestic: 0,
      alcohol: 0.4,
      pattern: 'night-economy',
    },
    {
      code: '8L',
      description: 'Harassment',
      share: 0.13,
      knife: 0.002,
      domestic: 0.35,
      course: true,
      pattern: 'daytime',
    },
    {
      code: '8M',
      description: 'Racially or religiously aggravated harassment',
      share: 0.015,
      knife: 0,
      domestic: 0.02,
      course: true,
      pattern: 'daytime',
    },
    {
      code: '8Q',
      description: 'Stalking',
      share: 0.06,
      knife: 0.002,
      domestic: 0.45,
      course: true,
      pattern: 'daytime',
    },
    {
      code: '8R',
      description: 'Controlling or coercive behaviour',
      share: 0.045,
      knife: 0,
      domestic: 1,
      course: true,
      pattern: 'domestic',
    },
    {
      code: '195',
      description: 'Malicious communications',
      share: 0.12,
      knife: 0,
      domestic: 0.25,
      course: true,
      pattern: 'daytime',
    },
    {
      code: '19C',
      description: 'Rape of a female aged 16 and over',
      share: 0.025,
      knife: 0.004,
      domestic: 0.4,
      victimSex: 'female',
      victimAge: [16, 90],
      pattern: 'sexual',
    },
    {
      code: '19D',
      description: 'Rape of a female aged under 16',
      share: 0.006,
      knife: 0.002,
      domestic: 0.1,
      victimSex: 'female',
      victimAge: [13, 15],
      pattern: 'sexual',
    },
    {
      code: '19E',
      description: 'Rape of a female child under 13',
      share: 0.004,
      knife: 0,
      domestic: 0.3,
      victimSex: 'female',
      victimAge: [3, 12],
      pattern: 'sexual',
    },
    {
      code: '19F',
      description: 'Rape of a male aged 16 and over',
      share: 0.0015,
      knife: 0.004,
      domestic: 0.2,
      victimSex: 'male',
      victimAge: [16, 80],
      pattern: 'sexual',
    },
    {
      code: '19G',
      description: 'Rape of a male aged under 16',
      share: 0.0008,
      knife: 0,
      domestic: 0.1,
      victimSex: 'male',
      victimAge: [13, 15],
      pattern: 'sexual',
    },
    {
      code: '19H',
      description: 'Rape of a male child under 13',
      share: 0.001,
      knife: 0,
      domestic: 0.3,
      victimSex: 'male',
      victimAge: [3, 12],
      pattern: 'sexual',
    },
    {
      code: '20A',
      description: 'Sexual assault on a female aged 13 and over',
      share: 0.025,
      knife: 0.003,
      domestic: 0.12,
      victimSex: 'female',
      victimAge: [13, 85],
      pattern: 'sexual',
    },
    {
      code: '20B',
      description: 'Sexual assault on a female child under 13',
      share: 0.003,
      knife: 0,
      domestic: 0.2,
      victimSex: 'female',
      victimAge: [4, 12],
      pattern: 'sexual',
    },
    {
      code: '17A',
      description: 'Sexual assault on a male aged 13 and over',
      share: 0.003,
      knife: 0.003,
      domestic: 0.08,
      victimSex: 'male',
      victimAge: [13, 80],
      pattern: 'sexual',
    },
    {
      code: '17B',
      description: 'Sexual assault on a male child under 13',
      share: 0.0015,
      knife: 0,
      domestic: 0.2,
      victimSex: 'male',
      victimAge: [4, 12],
      pattern: 'sexual',
    },
    {
      code: '88A',
      description: 'Other sexual offences (exposure and voyeurism)',
      share: 0.02,
      knife: 0,
      domestic: 0.05,
      pattern: 'daytime',
    },
  ],
  Robbery: [
    {
      code: '34B',
      description: 'Robbery of personal property',
      share: 0.9,
      knife: 0.12,
      domestic: 0.01,
      firearm: 0.005,
      countyLines: 0.01,
      pattern: 'robbery',
    },
    {
      code: '34A',
      description: 'Robbery of business property',
      share: 0.1,
      knife: 0.15,
      domestic: 0,
      firearm: 0.02,
      pattern: 'robbery',
    },
  ],
  'Possession of weapons': [
    {
      code: '10D',
      description: 'Possession of article with blade or point',
      share: 0.48,
      knife: 0.95,
      domestic: 0.01,
      countyLines: 0.03,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '10C',
      description: 'Possession of other weapons',
      share: 0.3,
      knife: 0,
      domestic: 0.01,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '10A',
      description: 'Possession of firearms with intent',
      share: 0.04,
      knife: 0,
      domestic: 0,
      firearm: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '10B',
      description: 'Possession of firearms offences',
      share: 0.02,
      knife: 0,
      domestic: 0,
      firearm: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '81',
      description: 'Other firearms offences',
      share: 0.08,
      knife: 0,
      domestic: 0,
      firearm: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '90',
      description: 'Other knives offences',
      share: 0.08,
      knife: 0.5,
      domestic: 0,
      noVictim: true,
      pattern: 'daytime',
    },
  ],
  Drugs: [
    {
      code: '92A',
      description: 'Trafficking in controlled drugs',
      share: 0.2,
      knife: 0,
      domestic: 0,
      countyLines: 0.25,
      drugRelated: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '92D',
      description: 'Possession of controlled drugs (excluding cannabis)',
      share: 0.15,
      knife: 0,
      domestic: 0,
      drugRelated: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '92E',
      description: 'Possession of controlled drugs (cannabis)',
      share: 0.62,
      knife: 0,
      domestic: 0,
      drugRelated: 1,
      noVictim: true,
      pattern: 'proactive',
    },
    {
      code: '92C',
      description: 'Other drug offences',
      share: 0.03,
      knife: 0,
      domestic: 0,
      drugRelated: 1,
      noVictim: true,
      pattern: 'proactive',
    },
  ],
};

/** The police.uk crime types the force extract generator reads (one extract row per row). */
export const SYNTH_CRIME_TYPES = Object.keys(OFFENCES);

/**
 * Relative weight of each hour (0–23) by pattern, for Monday–Thursday and for Friday–Sunday
 * (Friday and Saturday night hours after midnight fall on Saturday and Sunday).
 */
export const HOUR_WEIGHTS: Readonly<
  Record<TimePattern, { weekday: readonly number[]; weekend: readonly number[] }>
> = {
  'night-economy': {
    weekday: [
      4, 3, 2, 1.5, 1, 0.8, 0.8, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 5.5, 5.5, 5.5, 5.5, 5,
      4.5,
    ],
    weekend: [
      9, 9, 8, 5, 2.5, 1, 0.8, 0.8, 1, 1.5, 2, 2.5, 3, 3.5, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7.5, 8.5,
      9,
    ],
  },
  domestic: {
    weekday: [
      2.5, 1.8, 1.2, 0.8, 0.6, 0.5, 0.8, 1.5, 2, 2.5, 3, 3.2, 3.4, 3.4, 3.6, 4, 4.6, 5.4, 6.2, 6.8,
      7, 6.8, 5.6, 4,
    ],
    weekend: [
      3.5, 2.8, 2, 1.2, 0.8, 0.6, 0.6, 1, 1.6, 2.4, 3, 3.4, 3.8, 4, 4.2, 4.6, 5.2, 6, 6.8, 7.4, 7.6,
      7.4, 6.2, 4.8,
    ],
  },
  robbery: {
    weekday: [
      2.5, 2, 1.5, 1, 0.6, 0.4, 0.4, 0.8, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 5.8, 6, 6, 5.8, 5, 4,
      3.2,
    ],
    weekend: [
      4, 3.5, 2.5, 1.5, 0.8, 0.5, 0.4, 0.6, 1, 1.6, 2.2, 3, 3.6, 4.2, 4.8, 5.2, 5.6, 5.8, 6, 6, 5.8,
      5.2, 4.6, 4.2,
    ],
  },
  proactive: {
    weekday: [
      1.5, 1.2, 0.8, 0.5, 0.3, 0.3, 0.5, 1, 1.8, 2.6, 3.2, 3.6, 4, 4.2, 4.6, 5, 5.4, 5.6, 5.6, 5.4,
      5, 4.2, 3.2, 2.2,
    ],
    weekend: [
      2.5, 2, 1.5, 0.8, 0.4, 0.3, 0.4, 0.8, 1.4, 2.2, 3, 3.6, 4, 4.2, 4.6, 5, 5.4, 5.6, 5.8, 5.8,
      5.6, 5, 4.2, 3.2,
    ],
  },
  sexual: {
    weekday: [
      3, 2.6, 2.2, 1.8, 1.2, 0.8, 0.8, 1.2, 2, 2.6, 3, 3.2, 3.4, 3.6, 3.8, 4.2, 4.4, 4.4, 4.2, 4.2,
      4.2, 4.2, 4, 3.6,
    ],
    weekend: [
      5, 5, 4.4, 3.6, 2.4, 1.4, 1, 1, 1.6, 2.2, 2.6, 3, 3.2, 3.4, 3.6, 3.8, 4, 4, 4, 4.2, 4.4, 4.6,
      4.8, 5,
    ],
  },
  daytime: {
    weekday: [
      0.8, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 3.6, 4.6, 5, 5.2, 5.2, 5.2, 5.2, 5.4, 5.6, 5.4, 4.8, 4,
      3.4, 2.8, 2, 1.4,
    ],
    weekend: [
      1.2, 0.8, 0.5, 0.3, 0.2, 0.3, 0.5, 1.2, 2.4, 3.4, 4, 4.4, 4.6, 4.6, 4.6, 4.6, 4.6, 4.4, 4,
      3.6, 3, 2.6, 2, 1.6,
    ],
  },
};

/** Relative weight of each weekday (Monday = 0 … Sunday = 6) by pattern. */
export const DAY_WEIGHTS: Readonly<Record<TimePattern, readonly number[]>> = {
  'night-economy': [0.85, 0.85, 0.9, 0.95, 1.2, 1.45, 1.35],
  domestic: [1.05, 0.95, 0.95, 0.95, 1, 1.05, 1.15],
  robbery: [0.95, 0.95, 1, 1, 1.1, 1.05, 0.95],
  proactive: [1, 1.05, 1.05, 1.05, 1.05, 0.95, 0.85],
  sexual: [0.95, 0.9, 0.9, 0.95, 1.05, 1.2, 1.2],
  daytime: [1.1, 1.1, 1.1, 1.05, 1, 0.85, 0.8],
};

/** Location type weights: domestic incidents, and non-domestic ones by pattern. */
export const LOCATION_WEIGHTS: Readonly<
  Record<'domestic' | TimePattern, Partial<Record<LocationType, number>>>
> = {
  domestic: { dwelling: 0.9, 'private-other': 0.05, street: 0.05 },
  'night-economy': {
    street: 0.4,
    'licensed-premises': 0.12,
    dwelling: 0.15,
    'retail-commercial': 0.1,
    transport: 0.05,
    education: 0.04,
    'open-space': 0.07,
    'health-care': 0.02,
    'public-other': 0.05,
  },
  robbery: {
    street: 0.7,
    'retail-commercial': 0.15,
    transport: 0.05,
    'open-space': 0.05,
    dwelling: 0.05,
  },
  proactive: {
    street: 0.55,
    dwelling: 0.2,
    transport: 0.1,
    'retail-commercial': 0.05,
    education: 0.03,
    'public-other': 0.07,
  },
  sexual: {
    dwelling: 0.5,
    street: 0.15,
    'licensed-premises': 0.06,
    'open-space': 0.08,
    education: 0.06,
    transport: 0.04,
    'public-other': 0.06,
    'private-other': 0.05,
  },
  daytime: {
    dwelling: 0.45,
    street: 0.2,
    'retail-commercial': 0.12,
    education: 0.06,
    'public-other': 0.1,
    'private-other': 0.07,
  },
};

/** Age bands (min, max inclusive) and weights for victims and suspects. */
export type AgeProfile = readonly (readonly [number, number, number])[];
export const AGE_PROFILES: Readonly<Record<'general' | 'young' | 'domestic', AgeProfile>> = {
  general: [
    [10, 17, 0.12],
    [18, 24, 0.18],
    [25, 34, 0.24],
    [35, 44, 0.19],
    [45, 54, 0.14],
    [55, 64, 0.08],
    [65, 90, 0.05],
  ],
  /** Knife-enabled offences and robbery: ONS shows victims and offenders markedly younger. */
  young: [
    [10, 17, 0.24],
    [18, 24, 0.32],
    [25, 34, 0.22],
    [35, 44, 0.12],
    [45, 54, 0.06],
    [55, 64, 0.03],
    [65, 85, 0.01],
  ],
  domestic: [
    [16, 17, 0.03],
    [18, 24, 0.2],
    [25, 34, 0.3],
    [35, 44, 0.22],
    [45, 54, 0.14],
    [55, 64, 0.07],
    [65, 90, 0.04],
  ],
};

/** Share of victims who are female: domestic, sexual (code-fixed), and others. */
export const FEMALE_SHARE = { domestic: 0.75, robbery: 0.25, knife: 0.2, other: 0.45 } as const;
/** Share of suspects who are male. */
export const SUSPECT_MALE_SHARE = { domestic: 0.78, sexual: 0.97, other: 0.85 } as const;
/** Share of rows where the victim's age, the suspect (any detail), the time are known. */
export const KNOWN = {
  victimAge: 0.9,
  suspect: 0.65,
  suspectAge: 0.85,
  time: 0.93,
  timeOnTheHour: 0.3,
} as const;
/** Days between the committed date and the recorded date (0, 1, 2–7), clamped to the month. */
export const RECORDING_LAG = [0.7, 0.2, 0.1] as const;
/** Non-course offences recorded with a short committed range (1–6 hours) rather than a moment. */
export const SHORT_RANGE_SHARE = 0.15;

/**
 * A&E (ISTV) rates. Share of police-recorded assaults with injury whose victim attends an
 * emergency department, and the share of ED assault attendances known to police (about 20%:
 * roughly 80% of assaults seen in ED are never reported, per the Cardiff Model evaluations).
 */
export const ISTV = {
  attendShare: {
    '1': 0,
    '4.1': 0,
    '2': 0.9,
    '5D': 0.6,
    '5E': 0.5,
    '8N': 0.3,
    '8P': 0.3,
    '8S': 0.15,
  } as Readonly<Record<string, number>>,
  reportedShare: 0.2,
  /** Hours from assault to arrival, by weight: within 1, 1–3, 3–12, 12–48. */
  arrivalDelay: [0.45, 0.3, 0.17, 0.08],
  methodWeights: {
    'body-part': 0.66,
    'blunt-object': 0.1,
    'glass-bottle': 0.07,
    'knife-sharp': 0.07,
    firearm: 0.002,
    other: 0.078,
    unknown: 0.02,
  },
  /** Where unreported assaults happened. */
  unreportedLocations: {
    street: 0.34,
    'licensed-premises': 0.18,
    dwelling: 0.28,
    'public-other': 0.08,
    'open-space': 0.05,
    transport: 0.04,
    'retail-commercial': 0.03,
  } as Partial<Record<LocationType, number>>,
} as const;
