import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';

/**
 * A duration of the jobs' settings: `serviceCatalogue.<key>` when the
 * deployment sets it, the job's own default when not.
 *
 * @internal
 */
export function durationFromConfig(
  config: Config,
  key: string,
  otherwise: HumanDuration,
): HumanDuration {
  const path = `serviceCatalogue.${key}`;
  return config.has(path)
    ? readDurationFromConfig(config, { key: path })
    : otherwise;
}
