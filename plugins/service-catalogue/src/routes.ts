import { createRouteRef } from '@backstage/core-plugin-api';

// One route ref serves both frontend systems: since core-plugin-api 1.12 the
// legacy route refs are the new system's, so no conversion is needed.
export const rootRouteRef = createRouteRef({
  id: 'service-catalogue',
});
