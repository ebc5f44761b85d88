import { useRef } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { errorMessage } from '../components/shared/format';

/**
 * How an {@link useAction} tells the user what came of it.
 *
 * @internal
 */
export type ActionOptions<R> = {
  /** Leads the backend's reason in the error alert, such as `The access was not revoked`. */
  failure?: string;
  /** A transient alert on success; none when left out. */
  success?: string;
  onSuccess?(result: R): void;
  /**
   * Called after success and failure alike: a refusal often means the
   * request moved on (409), so the page reloads to show it as it is.
   */
  onSettled?(): void;
};

/**
 * Runs one user action against the backend, at most one at a time, and
 * reports a refusal (and, if asked, success) through the app's alerts.
 *
 * @internal
 */
export function useAction<Args extends unknown[], R>(
  action: (...args: Args) => Promise<R>,
  options: ActionOptions<R> = {},
) {
  const alertApi = useApi(alertApiRef);
  // The latest closures, so that a click always acts on what is shown.
  const latest = useRef({ action, options });
  latest.current = { action, options };

  const [state, run] = useAsyncFn(
    async (...args: Args) => {
      const { failure, success, onSuccess, onSettled } = latest.current.options;
      try {
        const result = await latest.current.action(...args);
        if (success) {
          alertApi.post({
            message: success,
            severity: 'success',
            display: 'transient',
          });
        }
        onSuccess?.(result);
        return result;
      } catch (e) {
        const reason = errorMessage(e as Error);
        alertApi.post({
          message: failure ? `${failure}: ${reason}` : reason,
          severity: 'error',
        });
        throw e;
      } finally {
        onSettled?.();
      }
    },
    [alertApi],
  );

  return { run, busy: state.loading, error: state.error };
}
