/**
 * The order areas are listed in: by code, digits compared as numbers ("E02000009" before
 * "E02000010", "ward 9" before "ward 10"). One collator, made once: `localeCompare` with options
 * builds a new one at every comparison, which at a few hundred areas per answer is most of the
 * time a rate table takes in JavaScript.
 */
const collator = new Intl.Collator('en', { numeric: true });

export const compareAreaCodes: (a: string, b: string) => number = collator.compare;
