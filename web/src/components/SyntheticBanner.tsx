export function SyntheticBanner({ incidents }: { incidents: number | null }) {
  return (
    <div className="synthetic" role="note" data-testid="synthetic-banner">
      <strong>SYNTHETIC DATA.</strong>{' '}
      {incidents === null || incidents === 0
        ? 'This workspace holds generated (synthetic) partner data for demonstration; it is not real.'
        : `${incidents.toLocaleString('en-GB')} of the incidents shown come from generated (synthetic) partner data for demonstration, not from real records.`}
    </div>
  );
}
