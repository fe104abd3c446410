/**
 * Home Office offence sub-codes: the class and sub-classification below the recorded crime class
 * (8N holds both 8/1, wounding or inflicting GBH without intent, OAPA 1861 s.20, and 8/6, assault
 * occasioning ABH, s.47). Forces write them in several ways; svd stores one canonical form,
 * `CLASS/SUB` with no leading zeros (`8/1`, `105/1`), as the Counting Rules print them.
 *
 * Read: `8/1`, `08/01`, `008/01`, `8.1`, `8-1`, `00801` (three digits of class and two of
 * sub-classification, as court and prison systems write the Home Office code), and the class
 * letter form `8N/01`, `8N/1`, `8n.1` (the letter is dropped; it is returned so that a reader can
 * compare it with the record's offence code). See docs/decisions/0008-offence-subcodes.md.
 */

const OFFENCE_CODE = /^0*(\d{1,3})(?:\.(\d{1,2}))?\s*([A-Za-z]?)$/;

/** A class code: '092A' → '92A', '004.1' → '4.1', '8n' → '8N'; undefined when it is none. */
export function normaliseOffenceCode(raw: string): string | undefined {
  const m = OFFENCE_CODE.exec(raw.trim());
  if (m === null || m[1] === undefined) return undefined;
  return `${Number(m[1])}${m[2] === undefined ? '' : `.${Number(m[2])}`}${(m[3] ?? '').toUpperCase()}`;
}

export interface ReadSubcode {
  /** The canonical form, e.g. `8/1`. */
  subcode: string;
  /** The recorded crime class written with it (`8N` in `8N/01`), or null when none was. */
  classCode: string | null;
}

export interface UnreadableSubcode {
  reason: string;
  fix: string;
}

/** The forms svd reads, for messages. */
export const SUBCODE_FORMS = '8/1, 008/01, 8.1, 8N/01 or 00801';

const SEPARATED = /^0*(\d{1,3})([A-Za-z]?)\s*[/.-]\s*(\d{1,3})$/;
const PACKED = /^(\d{3})(\d{2})$/;
const CLASS_ONLY = /^0*\d{1,3}(?:\.\d{1,2})?[A-Za-z]?$/;

/** The canonical sub-code of a cell, or why it cannot be read. Empty text is not a sub-code. */
export function readOffenceSubcode(raw: string): ReadSubcode | UnreadableSubcode {
  const text = raw.trim();
  const fix = `write the Home Office class and sub-classification, e.g. 8/1 (svd also reads ${SUBCODE_FORMS})`;
  if (text === '') return { reason: 'is empty', fix };
  const packed = PACKED.exec(text);
  const m = packed === null ? SEPARATED.exec(text) : null;
  const cls = packed !== null ? packed[1]! : m?.[1];
  const sub = packed !== null ? packed[2]! : m?.[3];
  if (cls === undefined || sub === undefined) {
    if (CLASS_ONLY.test(text))
      return {
        reason: 'is a Home Office offence class, not a sub-code',
        fix: 'map the class to offence_code and the class/sub-classification (e.g. 8/1) to offence_subcode',
      };
    return { reason: 'is not a Home Office offence sub-code', fix };
  }
  const classNumber = Number(cls);
  if (classNumber === 0)
    return { reason: 'names class 0, which is no notifiable offence class', fix };
  const letter = m?.[2] ?? '';
  return {
    subcode: `${classNumber}/${Number(sub)}`,
    classCode: letter === '' ? null : `${classNumber}${letter.toUpperCase()}`,
  };
}

/** The canonical form, or undefined when the text is no sub-code. */
export function normaliseOffenceSubcode(raw: string): string | undefined {
  const r = readOffenceSubcode(raw);
  return 'subcode' in r ? r.subcode : undefined;
}

/** Whether the text is already in the canonical form. */
export function isCanonicalSubcode(text: string): boolean {
  return /^[1-9]\d{0,2}\/(?:0|[1-9]\d{0,2})$/.test(text);
}
