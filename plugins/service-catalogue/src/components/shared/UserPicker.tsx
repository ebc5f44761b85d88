import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/core-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';

function userLabel(user: Entity): string {
  const profile = user.spec?.profile as { displayName?: string } | undefined;
  return profile?.displayName ?? user.metadata.title ?? user.metadata.name;
}

/**
 * Picks one user of the catalog by name.
 *
 * @internal
 */
export function UserPicker(props: {
  label: string;
  /** The picked user's entity ref. */
  value?: string;
  onChange(userRef: string | undefined): void;
  helperText?: string;
  error?: boolean;
}) {
  const { label, value, onChange, helperText, error } = props;
  const catalogApi = useApi(catalogApiRef);
  const { value: users, loading } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'User' },
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.sort((a, b) => userLabel(a).localeCompare(userLabel(b)));
  }, [catalogApi]);

  const selected = users?.find(user => stringifyEntityRef(user) === value);

  return (
    <Autocomplete
      options={users ?? []}
      loading={loading}
      value={selected ?? null}
      getOptionLabel={userLabel}
      getOptionSelected={(option, other) =>
        stringifyEntityRef(option) === stringifyEntityRef(other)
      }
      onChange={(_event, user) =>
        onChange(user ? stringifyEntityRef(user) : undefined)
      }
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          helperText={helperText}
          error={error}
          variant="outlined"
        />
      )}
    />
  );
}
