import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { RequestState } from '@service-catalogue/plugin-service-catalogue-common';
import { stateLabel } from './format';

/**
 * Narrows a list of requests to one state, or to the list's default: every
 * state, or those still to do.
 *
 * @internal
 */
export function StateFilter<Default extends string>(props: {
  id: string;
  states: readonly RequestState[];
  value: RequestState | Default;
  /** The list's own choice, such as `all`, and how it is put. */
  defaultValue: Default;
  defaultLabel: string;
  onChange(value: RequestState | Default): void;
}) {
  const { states, defaultValue } = props;
  return (
    <TextField
      id={props.id}
      select
      label="State"
      variant="outlined"
      size="small"
      fullWidth
      value={props.value}
      onChange={event =>
        props.onChange(event.target.value as RequestState | Default)
      }
    >
      <MenuItem value={defaultValue}>{props.defaultLabel}</MenuItem>
      {states.map(option => (
        <MenuItem key={option} value={option}>
          {stateLabel(option)}
        </MenuItem>
      ))}
    </TextField>
  );
}
