// Latency and throughput of a sequence of HTTP operations run by a number of
// concurrent clients. Figures are only ever compared as ratios between runs
// of the same process on the same machine.
import { performance } from 'node:perf_hooks';

export function percentile(sorted, p) {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function summarise(latencies, elapsedMs) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    ...(elapsedMs !== undefined
      ? { perSecond: round((sorted.length * 1000) / elapsedMs) }
      : {}),
  };
}

const round = x => Math.round(x * 100) / 100;

/**
 * Runs `operation(i)` for i in [0, count) on `clients` concurrent workers;
 * every operation must resolve, or the whole measurement fails, so that a
 * figure never hides errors.
 */
export async function runConcurrent({ count, clients, operation }) {
  let next = 0;
  const latencies = [];
  const errors = [];
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) {
        return;
      }
      const t0 = performance.now();
      try {
        await operation(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        // Counted and shown beside the figures, never folded into them.
        errors.push(String(error.message).slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, worker));
  return { latencies, errors, elapsedMs: performance.now() - started };
}

/** The figures of several rounds of runConcurrent taken as one. */
export function summariseRounds(rounds) {
  const errors = rounds.flatMap(r => r.errors);
  return {
    ...summarise(
      rounds.flatMap(r => r.latencies),
      rounds.reduce((sum, r) => sum + r.elapsedMs, 0),
    ),
    errors: errors.length,
    ...(errors.length ? { firstError: errors[0] } : {}),
  };
}

/** fetch that fails loudly on anything but the expected status. */
export async function call(
  url,
  { token, method = 'GET', body, expect, timeoutMs = 120_000 } = {},
) {
  const response = await fetch(url, {
    method,
    signal: AbortSignal.timeout(timeoutMs),
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const ok = expect ? response.status === expect : response.ok;
  if (!ok) {
    throw new Error(
      `${method} ${url}: ${response.status} ${text.slice(0, 300)}`,
    );
  }
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
