import { FormEvent, useId, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { parseEntityRef } from '@backstage/catalog-model';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  OfferingSummary,
  ReviewCampaign,
  ReviewScope,
  serviceCatalogueAdministerPermission,
} from '@service-catalogue/plugin-service-catalogue-common';
import { serviceCatalogueApiRef } from '../../api';
import { errorMessage, refName } from '../shared';

/**
 * What the signed-in user may start a review of, as the backend allows it:
 * administrators any offering that leaves grants and any group owning one;
 * others the offerings leaving grants that they own, and the groups they
 * are part of that own one.
 *
 * @internal
 */
export type ReviewChoices = {
  offerings: OfferingSummary[];
  groups: string[];
};

/**
 * Loads the {@link ReviewChoices} of the signed-in user; `value` stays
 * undefined until both the offerings and the permission are known.
 *
 * @internal
 */
export function useReviewChoices(): {
  value?: ReviewChoices;
  error?: Error;
} {
  const api = useApi(serviceCatalogueApiRef);
  const identityApi = useApi(identityApiRef);
  const administer = usePermission({
    permission: serviceCatalogueAdministerPermission,
  });
  const loaded = useAsync(async () => {
    const [{ items }, identity] = await Promise.all([
      api.getOfferings(),
      identityApi.getBackstageIdentity(),
    ]);
    return { items, ownershipEntityRefs: identity.ownershipEntityRefs };
  }, [api, identityApi]);
  if (loaded.error || administer.error) {
    return { error: loaded.error ?? administer.error };
  }
  if (!loaded.value || administer.loading) {
    return {};
  }
  const reviewable = loaded.value.items.filter(offering => offering.grant);
  // Refs differ in case between the catalog and the token.
  const key = (ref: string) => ref.toLocaleLowerCase('en-US');
  const owned = new Set(loaded.value.ownershipEntityRefs.map(key));
  const offerings = administer.allowed
    ? reviewable
    : reviewable.filter(offering => owned.has(key(offering.owner)));
  const groups = new Map<string, string>();
  for (const offering of offerings) {
    if (
      parseEntityRef(offering.owner).kind.toLocaleLowerCase('en-US') === 'group'
    ) {
      groups.set(key(offering.owner), offering.owner);
    }
  }
  return {
    value: {
      offerings,
      groups: [...groups.values()].sort((a, b) => a.localeCompare(b)),
    },
  };
}

// What the backend does with no deadline given.
const DAYS_HELP: Record<ReviewScope['kind'], string> = {
  offering: "The offering's own review deadline, or 14 days, when left empty.",
  owner:
    "14 days when left empty, unless the group owns exactly one reviewed offering: then that offering's deadline.",
};

/**
 * Asks what to review, an offering or everything a group owns, and for how
 * long, then opens the campaign.
 *
 * @internal
 */
export function StartReviewDialog(props: {
  open: boolean;
  choices: ReturnType<typeof useReviewChoices>;
  onStarted(campaign: ReviewCampaign): void;
  onClose(): void;
}) {
  const { open, choices, onStarted, onClose } = props;
  const id = useId();
  const api = useApi(serviceCatalogueApiRef);
  const [kind, setKind] = useState<ReviewScope['kind']>('offering');
  const [offeringRef, setOfferingRef] = useState('');
  const [ownerRef, setOwnerRef] = useState('');
  const [days, setDays] = useState('');
  const [title, setTitle] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    // A review started is done with; the next starts from nothing.
    if (open) {
      setKind('offering');
      setOfferingRef('');
      setOwnerRef('');
      setDays('');
      setTitle('');
      setRefusal(undefined);
    }
  }

  const [state, start] = useAsyncFn(async () => {
    const scope: ReviewScope =
      kind === 'offering'
        ? { kind: 'offering', offeringRef }
        : { kind: 'owner', ownerRef };
    setRefusal(undefined);
    try {
      onStarted(
        await api.startReviewCampaign({
          scope,
          deadline: days ? `P${Number(days)}D` : undefined,
          title: title.trim() || undefined,
        }),
      );
    } catch (e) {
      setRefusal(errorMessage(e as Error));
    }
  }, [api, kind, offeringRef, ownerRef, days, title, onStarted]);

  const daysValid =
    !days || (Number.isInteger(Number(days)) && Number(days) > 0);
  const chosen = kind === 'offering' ? offeringRef : ownerRef;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen && daysValid) {
      start();
    }
  };

  return (
    <Dialog
      open={open}
      onClose={state.loading ? undefined : onClose}
      aria-labelledby={`${id}-title`}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={`${id}-title`}>Start a review</DialogTitle>
        <DialogContent>
          {(refusal || choices.error) && (
            <Box mb={2}>
              <Alert severity="error">
                {refusal ?? errorMessage(choices.error!)}
              </Alert>
            </Box>
          )}
          <DialogContentText>
            The reviewers are asked whether each person who holds the access now
            should keep it.
          </DialogContentText>
          <RadioGroup
            aria-label="What to review"
            value={kind}
            onChange={event =>
              setKind(event.target.value as ReviewScope['kind'])
            }
          >
            <FormControlLabel
              value="offering"
              control={<Radio />}
              label="One offering"
            />
            <FormControlLabel
              value="owner"
              control={<Radio />}
              label="Everything a group owns"
            />
          </RadioGroup>
          {kind === 'offering' ? (
            <TextField
              id={`${id}-offering`}
              select
              label="Offering"
              helperText={
                choices.value && choices.value.offerings.length === 0
                  ? 'You own no offering that gives access.'
                  : undefined
              }
              value={offeringRef}
              onChange={event => setOfferingRef(event.target.value)}
              variant="outlined"
              margin="normal"
              fullWidth
              required
            >
              {(choices.value?.offerings ?? []).map(offering => (
                <MenuItem key={offering.entityRef} value={offering.entityRef}>
                  {offering.title}
                </MenuItem>
              ))}
            </TextField>
          ) : (
            <TextField
              id={`${id}-group`}
              select
              label="Group"
              value={ownerRef}
              onChange={event => setOwnerRef(event.target.value)}
              variant="outlined"
              margin="normal"
              fullWidth
              required
            >
              {(choices.value?.groups ?? []).map(ref => (
                <MenuItem key={ref} value={ref}>
                  {refName(ref, 'group')}
                </MenuItem>
              ))}
            </TextField>
          )}
          <TextField
            id={`${id}-days`}
            type="number"
            label="Days to review"
            helperText={
              daysValid
                ? DAYS_HELP[kind]
                : 'A whole number of days, at least 1.'
            }
            error={!daysValid}
            inputProps={{ min: 1, step: 1 }}
            value={days}
            onChange={event => setDays(event.target.value)}
            variant="outlined"
            margin="normal"
            fullWidth
          />
          <TextField
            id={`${id}-title-field`}
            label="Title"
            helperText="Named after what it covers when left empty."
            value={title}
            onChange={event => setTitle(event.target.value)}
            variant="outlined"
            margin="normal"
            fullWidth
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={state.loading}>
            Cancel
          </Button>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={state.loading || !chosen || !daysValid}
          >
            Start
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
