import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { serviceCatalogueApiRef } from '../../api';
import { useReviewLines } from '../../hooks';
import { ReviewLinesTable } from '../shared';

/**
 * The campaigns the lines seen so far belong to: a reviewer may not list
 * campaigns (only owners and administrators may), so the filter offers
 * those their lines come from.
 */
function useSeenCampaigns(
  lines: { campaignId: string; campaignTitle: string }[] = [],
) {
  const [seen, setSeen] = useState<Map<string, string>>(new Map());
  const unseen = lines.filter(line => !seen.has(line.campaignId));
  if (unseen.length > 0) {
    const next = new Map(seen);
    for (const line of unseen) {
      next.set(line.campaignId, line.campaignTitle);
    }
    setSeen(next);
  }
  return seen;
}

/**
 * The access review lines waiting for the signed-in user's decision, with
 * filters, to keep or revoke several at once.
 *
 * @internal
 */
export function ToReviewTab() {
  const api = useApi(serviceCatalogueApiRef);
  // The filters live in the address, so that they survive going to a
  // report and back, and a link (`?campaignId=`) can share them.
  const [searchParams, setSearchParams] = useSearchParams();
  const campaignId = searchParams.get('campaignId') ?? '';
  const offeringRef = searchParams.get('offeringRef') ?? '';
  const holder = searchParams.get('holder') ?? '';
  const setFilter = (name: string, value: string) =>
    setSearchParams(
      params => {
        const next = new URLSearchParams(params);
        if (value) {
          next.set(name, value);
        } else {
          next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  const [holderText, setHolderText] = useState(holder);
  // The backend searches, so wait for a pause in typing rather than asking
  // on every keystroke.
  useDebounce(
    () => {
      if (holderText.trim() !== holder) {
        setFilter('holder', holderText.trim());
      }
    },
    300,
    [holderText],
  );

  const { table, retry } = useReviewLines({
    campaignId: campaignId || undefined,
    offeringRef: offeringRef || undefined,
    holder: holder || undefined,
  });
  const campaigns = useSeenCampaigns(table.rows);
  const offerings = useAsync(async () => {
    const { items } = await api.getOfferings();
    return items.filter(offering => offering.grant);
  }, [api]);
  const filtered = Boolean(campaignId || offeringRef || holder);

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={4}>
        <TextField
          id="service-catalogue-review-campaign"
          select
          label="Campaign"
          variant="outlined"
          size="small"
          fullWidth
          value={campaignId}
          onChange={event => setFilter('campaignId', event.target.value)}
        >
          <MenuItem value="">All campaigns</MenuItem>
          {/* Linked to before any of its lines arrived: named by its id. */}
          {campaignId && !campaigns.has(campaignId) && (
            <MenuItem value={campaignId}>{campaignId}</MenuItem>
          )}
          {[...campaigns].map(([id, title]) => (
            <MenuItem key={id} value={id}>
              {title}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={12} sm={4}>
        <TextField
          id="service-catalogue-review-offering"
          select
          label="Offering"
          variant="outlined"
          size="small"
          fullWidth
          value={offeringRef}
          onChange={event => setFilter('offeringRef', event.target.value)}
        >
          <MenuItem value="">All offerings</MenuItem>
          {(offerings.value ?? []).map(offering => (
            <MenuItem key={offering.entityRef} value={offering.entityRef}>
              {offering.title}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={12} sm={4}>
        <TextField
          id="service-catalogue-review-holder"
          type="search"
          label="Holder"
          helperText="Part of the user name, such as ann"
          variant="outlined"
          size="small"
          fullWidth
          value={holderText}
          onChange={event => setHolderText(event.target.value)}
        />
      </Grid>
      <Grid item xs={12}>
        <ReviewLinesTable
          title="Lines to review"
          list={table}
          onDecided={retry}
          empty={{
            title: filtered
              ? 'No lines match'
              : 'Nothing waits for your review',
            description:
              'When a review campaign asks you whether people should keep their access, their lines appear here.',
          }}
        />
      </Grid>
    </Grid>
  );
}
