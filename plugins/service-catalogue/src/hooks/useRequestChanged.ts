import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  REQUEST_SIGNAL_CHANNEL,
  RequestChangedSignal,
} from '@service-catalogue/plugin-service-catalogue-common';

/**
 * Calls back whenever the backend signals that a request the user is
 * involved in changed, so that open pages can refresh. Does nothing where
 * the app has no signals.
 *
 * @internal
 */
export function useRequestChanged(
  callback: (signal: RequestChangedSignal) => void,
): void {
  const { lastSignal } = useSignal(REQUEST_SIGNAL_CHANNEL);
  // Held in a ref so that only a new signal calls back, not a new callback.
  const callbackRef = useRef(callback);
  callbackRef.current = callback;
  useEffect(() => {
    if (lastSignal) {
      callbackRef.current(lastSignal as unknown as RequestChangedSignal);
    }
  }, [lastSignal]);
}
