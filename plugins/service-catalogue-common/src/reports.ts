/**
 * How requests are grouped into periods in a report.
 *
 * @public
 */
export type ReportBucket = 'week' | 'month' | 'quarter';

/**
 * The filters every report takes. Times are ISO 8601; a request counts in
 * the period it was submitted in.
 *
 * @public
 */
export interface ReportQuery {
  from?: string;
  to?: string;
  /** A category id: only offerings in it, or in its sub-categories. */
  category?: string;
  /** An owner's entity ref: only the offerings it owns. */
  owner?: string;
}

/**
 * Requests by category and by period.
 *
 * @public
 */
export interface VolumeReport {
  byCategory: Array<{ category: string; title: string; count: number }>;
  /** Each period named by its first day, `YYYY-MM-DD`, oldest first. */
  byPeriod: Array<{ period: string; count: number }>;
}

/**
 * Time to deliver per offering over its fulfilled requests, in
 * milliseconds: from submission to done, split into waiting for approval
 * and fulfilment after it.
 *
 * @public
 */
export interface DeliveryReport {
  items: Array<{
    offeringRef: string;
    offeringTitle: string;
    delivered: number;
    totalMedianMs: number;
    totalP90Ms: number;
    approvalMedianMs: number;
    approvalP90Ms: number;
    fulfilmentMedianMs: number;
    fulfilmentP90Ms: number;
  }>;
}

/**
 * SLA compliance per offering and policy, over requests that ended.
 *
 * @public
 */
export interface SlaReport {
  items: Array<{
    offeringRef: string;
    offeringTitle: string;
    policyId: string;
    ended: number;
    met: number;
    /** Between 0 and 1. */
    complianceRate: number;
  }>;
}

/**
 * Requests that missed a due time of their SLA, a page at a time, the
 * newest first.
 *
 * @public
 */
export interface SlaBreachesReport {
  items: Array<{
    id: string;
    trackingNumber: string;
    offeringRef: string;
    offeringTitle: string;
    policyId: string;
    state: string;
    createdAt: string;
    slaDueAt?: string;
  }>;
  totalCount: number;
}

/**
 * The most requested offerings, and the offerings nobody requested in the
 * period (candidates to retire).
 *
 * @public
 */
export interface OfferingsReport {
  top: Array<{ offeringRef: string; offeringTitle: string; count: number }>;
  unused: Array<{ offeringRef: string; offeringTitle: string; owner: string }>;
}

/**
 * Fulfilled requests per offering, by a template or by hand; the offerings
 * with the most requests fulfilled by hand come first (automate those next).
 *
 * @public
 */
export interface AutomationReport {
  items: Array<{
    offeringRef: string;
    offeringTitle: string;
    automatic: number;
    manual: number;
    /** Between 0 and 1. */
    automationRate: number;
  }>;
}

/**
 * Approvals: the median time to a decision per stage, and how many
 * requests were rejected of those decided.
 *
 * @public
 */
export interface ApprovalsReport {
  stages: Array<{ stage: number; decisions: number; medianMs: number }>;
  decided: number;
  rejected: number;
  /** Between 0 and 1. */
  rejectionRate: number;
}

/**
 * Access held now: active grants per offering and those ending in the next
 * 30 days; for leavers, the median time from the detected departure to
 * their last grant's end.
 *
 * @public
 */
export interface AccessReport {
  items: Array<{
    offeringRef: string;
    offeringTitle: string;
    active: number;
    expiringSoon: number;
  }>;
  leavers: { count: number; medianMs?: number };
}

/**
 * Each report by the path under `/reports/` that serves it.
 *
 * @public
 */
export interface ServiceCatalogueReports {
  volume: VolumeReport;
  delivery: DeliveryReport;
  sla: SlaReport;
  'sla/breaches': SlaBreachesReport;
  offerings: OfferingsReport;
  automation: AutomationReport;
  approvals: ApprovalsReport;
  access: AccessReport;
}

/**
 * The name of a report.
 *
 * @public
 */
export type ReportName = keyof ServiceCatalogueReports;

/**
 * A report's filters, with the grouping of the volume report and the page
 * of the breaches.
 *
 * @public
 */
export interface GetReportQuery extends ReportQuery {
  bucket?: ReportBucket;
  limit?: number;
  offset?: number;
}
