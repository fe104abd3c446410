/**
 * Sentences about published figures that can never state a withheld number: the sentence is
 * built from the disclosed figure, which holds no value once withheld. A withheld figure is
 * described the same way whether it was small itself or hidden to protect another, so the
 * wording gives nothing away either.
 */
import type { DisclosedFigure } from './discloseFigure.js';

export interface Noun {
  one: string;
  many: string;
}

export const WITHHELD_PHRASE = 'not published, to protect confidentiality';

const nf = new Intl.NumberFormat('en-GB');

/** "12 incidents", "about 15 incidents" (rounded), "no incidents", or that it is withheld. */
export function describeFigure(figure: DisclosedFigure, noun: Noun): string {
  if (figure.suppressed !== false) return `the number of ${noun.many} is ${WITHHELD_PHRASE}`;
  if (figure.value === 0) return `no ${noun.many}`;
  const word = figure.value === 1 ? noun.one : noun.many;
  return `${figure.rounded ? 'about ' : ''}${nf.format(figure.value)} ${word}`;
}

/** "rose from 12 to 18 incidents (+50%)"; when either is withheld, the change is not stated. */
export function describeChange(
  before: DisclosedFigure,
  after: DisclosedFigure,
  noun: Noun,
): string {
  if (before.suppressed !== false || after.suppressed !== false)
    return `the change in the number of ${noun.many} is ${WITHHELD_PHRASE}`;
  const about = before.rounded || after.rounded ? 'about ' : '';
  const unit = (v: number): string => (v === 1 ? noun.one : noun.many);
  if (after.value === before.value)
    return `stayed at ${about}${nf.format(after.value)} ${unit(after.value)}`;
  const verb = after.value > before.value ? 'rose' : 'fell';
  const pct =
    before.value === 0
      ? ''
      : ` (${after.value > before.value ? '+' : '−'}${Math.abs(Math.round(((after.value - before.value) / before.value) * 100))}%)`;
  return `${verb} from ${about}${nf.format(before.value)} to ${nf.format(after.value)} ${unit(after.value)}${pct}`;
}
