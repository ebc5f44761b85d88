import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { DateTime } from 'luxon';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  GetReportQuery,
  ReportName,
  ServiceCatalogueReports,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { PageLayout } from '../shared';
import { hours, percent } from './csv';
import { ReportCard } from './ReportCard';
import { ReportChart } from './ReportChart';
import { ReportFilterValues, ReportFilters } from './ReportFilters';
import { ReviewCampaignsCard } from './ReviewCampaignsCard';

const BREACHES_SHOWN = 100;

function toQuery(filters: ReportFilterValues): GetReportQuery {
  return {
    from: filters.from || undefined,
    // The day picked is included: the period ends when the next one starts.
    to: filters.to
      ? DateTime.fromISO(filters.to).plus({ days: 1 }).toISODate() ?? undefined
      : undefined,
    category: filters.category || undefined,
    owner: filters.owner || undefined,
  };
}

function useReports(filters: ReportFilterValues) {
  const api = useApi(serviceCatalogueApiRef);
  return useAsync(async () => {
    const query = toQuery(filters);
    const get = <K extends ReportName>(name: K, extra: GetReportQuery = {}) =>
      api.getReport(name, { ...query, ...extra });
    const [
      volume,
      delivery,
      sla,
      breaches,
      offerings,
      automation,
      approvals,
      access,
    ] = await Promise.all([
      get('volume', { bucket: filters.bucket }),
      get('delivery'),
      get('sla'),
      get('sla/breaches', { limit: BREACHES_SHOWN }),
      get('offerings'),
      get('automation'),
      get('approvals'),
      get('access'),
    ]);
    const reports: ServiceCatalogueReports = {
      volume,
      delivery,
      sla,
      'sla/breaches': breaches,
      offerings,
      automation,
      approvals,
      access,
    };
    return reports;
  }, [api, filters]);
}

function useFilterChoices() {
  const api = useApi(serviceCatalogueApiRef);
  return useAsync(async () => {
    const [categories, offerings] = await Promise.all([
      api.getCategories(),
      api.getOfferings(),
    ]);
    return {
      categories: categories.items,
      owners: [...new Set(offerings.items.map(o => o.owner))].sort(),
    };
  }, [api]);
}

/**
 * The reports: what is requested, how fast it is delivered, whether SLAs
 * are kept, what to automate next, approvals and access. Owners see their
 * offerings, the service desk and administrators every one.
 *
 * @internal
 */
export function ReportsPage() {
  const [filters, setFilters] = useState<ReportFilterValues>(() => ({
    from: DateTime.now().minus({ months: 12 }).startOf('month').toISODate()!,
    to: '',
    bucket: 'month',
    category: '',
    owner: '',
  }));
  const choices = useFilterChoices();
  const { value: reports, loading, error } = useReports(filters);

  return (
    <PageLayout
      title="Reports"
      subtitle="What is requested, how fast it is delivered, and whether the promises are kept."
    >
      <ReportFilters
        value={filters}
        onChange={setFilters}
        categories={choices.value?.categories ?? []}
        owners={choices.value?.owners ?? []}
      />
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {reports && !loading && <Reports reports={reports} />}
    </PageLayout>
  );
}

function Reports(props: { reports: ServiceCatalogueReports }) {
  const { volume, delivery, sla, offerings, automation, approvals, access } =
    props.reports;
  const breaches = props.reports['sla/breaches'];
  const toAutomate = automation.items.filter(i => i.manual > 0).slice(0, 10);
  return (
    <Grid container spacing={3} style={{ marginTop: 8 }}>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Requests by category"
          description="Requests submitted in the period, by the category of their offering."
          name="requests-by-category"
          rows={volume.byCategory}
          columns={[
            { title: 'Category', value: r => r.title },
            { title: 'Requests', value: r => r.count },
          ]}
          chart={
            <ReportChart
              title="Requests by category"
              rows={volume.byCategory}
              label={r => r.title}
              series={[{ label: 'Requests', value: r => r.count }]}
            />
          }
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Requests by period"
          description="Requests submitted in each period, named by its first day."
          name="requests-by-period"
          rows={volume.byPeriod}
          columns={[
            { title: 'Period', value: r => r.period },
            { title: 'Requests', value: r => r.count },
          ]}
          chart={
            <ReportChart
              title="Requests by period"
              rows={volume.byPeriod}
              label={r => r.period}
              series={[{ label: 'Requests', value: r => r.count }]}
            />
          }
        />
      </Grid>
      <Grid item xs={12}>
        <ReportCard
          title="Time to deliver"
          description="Hours from submission to done for delivered requests: the median and the 90th percentile, split into waiting for approval and fulfilment."
          name="time-to-deliver"
          rows={delivery.items}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Delivered', value: r => r.delivered },
            { title: 'Median (h)', value: r => hours(r.totalMedianMs) },
            { title: '90th percentile (h)', value: r => hours(r.totalP90Ms) },
            {
              title: 'Approval median (h)',
              value: r => hours(r.approvalMedianMs),
            },
            { title: 'Approval p90 (h)', value: r => hours(r.approvalP90Ms) },
            {
              title: 'Fulfilment median (h)',
              value: r => hours(r.fulfilmentMedianMs),
            },
            {
              title: 'Fulfilment p90 (h)',
              value: r => hours(r.fulfilmentP90Ms),
            },
          ]}
          chart={
            <ReportChart
              title="Median time to deliver, waiting for approval and fulfilment"
              rows={delivery.items}
              label={r => r.offeringTitle}
              unit="h"
              series={[
                {
                  label: 'Approval (median)',
                  value: r => hours(r.approvalMedianMs),
                  stack: 'median',
                },
                {
                  label: 'Fulfilment (median)',
                  value: r => hours(r.fulfilmentMedianMs),
                  stack: 'median',
                },
                { label: '90th percentile', value: r => hours(r.totalP90Ms) },
              ]}
            />
          }
          emptyText="No request was delivered in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="SLA compliance"
          description="Of the requests with an SLA that ended, the share that met it, per offering and policy."
          name="sla-compliance"
          rows={sla.items}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Policy', value: r => r.policyId },
            { title: 'Ended', value: r => r.ended },
            { title: 'Met', value: r => r.met },
            { title: 'Compliance (%)', value: r => percent(r.complianceRate) },
          ]}
          chart={
            <ReportChart
              title="SLA compliance"
              rows={sla.items}
              label={r => `${r.offeringTitle} (${r.policyId})`}
              unit="%"
              series={[
                {
                  label: 'Compliance',
                  value: r => percent(r.complianceRate),
                },
              ]}
            />
          }
          emptyText="No request with an SLA ended in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Breached requests"
          description={`Requests that missed a due time of their SLA, the newest first${
            breaches.totalCount > breaches.items.length
              ? `: ${breaches.items.length} of ${breaches.totalCount}`
              : ''
          }.`}
          name="sla-breaches"
          rows={breaches.items}
          columns={[
            { title: 'Request', value: r => r.trackingNumber },
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Policy', value: r => r.policyId },
            { title: 'State', value: r => r.state },
            { title: 'Submitted', value: r => r.createdAt },
            { title: 'Due', value: r => r.slaDueAt ?? '' },
          ]}
          emptyText="No breaches in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Most requested offerings"
          description="The ten offerings with the most requests in the period."
          name="most-requested"
          rows={offerings.top}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Requests', value: r => r.count },
          ]}
          chart={
            <ReportChart
              title="Most requested offerings"
              rows={offerings.top}
              label={r => r.offeringTitle}
              series={[{ label: 'Requests', value: r => r.count }]}
            />
          }
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Never requested"
          description="Offerings in the catalog nobody requested in the period: candidates to retire."
          name="never-requested"
          rows={offerings.unused}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Owner', value: r => r.owner },
          ]}
          emptyText="Every offering was requested in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Automation"
          description="Delivered requests per offering, fulfilled by a template or by hand."
          name="automation"
          rows={automation.items}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'By a template', value: r => r.automatic },
            { title: 'By hand', value: r => r.manual },
            { title: 'Automated (%)', value: r => percent(r.automationRate) },
          ]}
          chart={
            <ReportChart
              title="Delivered by a template and by hand"
              rows={automation.items}
              label={r => r.offeringTitle}
              series={[
                { label: 'By a template', value: r => r.automatic, stack: 'a' },
                { label: 'By hand', value: r => r.manual, stack: 'a' },
              ]}
            />
          }
          emptyText="No request was delivered in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Automate next"
          description="The offerings with the most requests fulfilled by hand."
          name="automate-next"
          rows={toAutomate}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'By hand', value: r => r.manual },
          ]}
          emptyText="No request was fulfilled by hand in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Approvals"
          description={`Median hours from a stage opening to each decision. Of ${
            approvals.decided
          } requests decided, ${approvals.rejected} were rejected (${percent(
            approvals.rejectionRate,
          )}%).`}
          name="approvals"
          rows={approvals.stages}
          columns={[
            { title: 'Stage', value: r => r.stage + 1 },
            { title: 'Decisions', value: r => r.decisions },
            { title: 'Median (h)', value: r => hours(r.medianMs) },
          ]}
          chart={
            <ReportChart
              title="Median decision time per stage"
              rows={approvals.stages}
              label={r => `Stage ${r.stage + 1}`}
              unit="h"
              series={[{ label: 'Median', value: r => hours(r.medianMs) }]}
            />
          }
          emptyText="No decision in this period."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReportCard
          title="Access"
          description={`Grants held now, and those ending in the next 30 days. ${
            access.leavers.count
              ? `${
                  access.leavers.count
                } leavers in the period lost their access a median ${hours(
                  access.leavers.medianMs ?? 0,
                )} hours after their departure was detected.`
              : 'No leaver lost access in the period.'
          }`}
          name="access"
          rows={access.items}
          columns={[
            { title: 'Offering', value: r => r.offeringTitle },
            { title: 'Active', value: r => r.active },
            { title: 'Ending in 30 days', value: r => r.expiringSoon },
          ]}
          chart={
            <ReportChart
              title="Active grants and those ending in 30 days"
              rows={access.items}
              label={r => r.offeringTitle}
              series={[
                { label: 'Active', value: r => r.active },
                { label: 'Ending in 30 days', value: r => r.expiringSoon },
              ]}
            />
          }
          emptyText="Nobody holds access through these offerings."
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <ReviewCampaignsCard />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="caption" color="textSecondary">
          Joiners' time to birthright access is not reported: the portal does
          not record when someone appeared in the directory.
        </Typography>
      </Grid>
    </Grid>
  );
}
