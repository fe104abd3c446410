/** Disclosure control: what may be published, for whom. See docs/decisions/0010-strategy-and-reviews.md. */
export * from './disclosurePolicy.js';
export * from './discloseFigure.js';
export * from './discloseTable.js';
export * from './describeFigure.js';
export { suppressTable, hiddenBridges } from './suppressTable.js';
export * from './discloseAreas.js';
