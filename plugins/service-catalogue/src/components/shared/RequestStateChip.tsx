import Chip from '@material-ui/core/Chip';
import { RequestState } from '@service-catalogue/plugin-service-catalogue-common';
import { stateLabel } from './format';

const COLORS: Partial<Record<RequestState, 'primary' | 'secondary'>> = {
  PENDING_APPROVAL: 'secondary',
  APPROVED: 'primary',
  IN_PROGRESS: 'primary',
  DONE: 'primary',
};

/**
 * A request's state as a chip.
 *
 * @internal
 */
export function RequestStateChip(props: { state: RequestState }) {
  const { state } = props;
  return (
    <Chip
      size="small"
      label={stateLabel(state)}
      color={COLORS[state] ?? 'default'}
      variant={state === 'DONE' ? 'default' : 'outlined'}
    />
  );
}
