import { ReviewCampaignReport } from '@service-catalogue/plugin-service-catalogue-common';

const COLUMNS = [
  'holder',
  'offering',
  'target',
  'granted at',
  'origin',
  'tracking number',
  'reviewers',
  'decision',
  'decided by',
  'decided for',
  'decided at',
  'automatic',
  'reason',
  'grant state',
] as const;

/**
 * One cell: quoted when it must be, and never read as a formula by a
 * spreadsheet, whatever a reason or a title starts with.
 */
function cell(value: string | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A campaign's report as CSV: a header row, then one row per line.
 *
 * @internal
 */
export function reportToCsv(report: ReviewCampaignReport): string {
  const rows = report.lines.map(line => [
    line.holderRef,
    line.offeringTitle,
    line.targetRef,
    line.grantedAt,
    line.origin,
    line.trackingNumber,
    line.reviewerRefs.join(' '),
    line.decision ?? 'undecided',
    line.decidedByRef,
    line.decidedForRef,
    line.decidedAt,
    line.decision ? String(Boolean(line.automatic)) : undefined,
    line.reason,
    line.grantState,
  ]);
  return [[...COLUMNS], ...rows]
    .map(row => row.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}
