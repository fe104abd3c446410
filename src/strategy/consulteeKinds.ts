/** The kinds of body a review records a consultation with (Serious Violence Duty guidance). */
export const CONSULTEE_KINDS = ['school', 'prison', 'youth-custody', 'other'] as const;
export type ConsulteeKind = (typeof CONSULTEE_KINDS)[number];
