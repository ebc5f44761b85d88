// What the harness measures against a running backend: submission beside
// its two baselines, decisions, and the first page of every list.
import { call, runConcurrent, summarise, summariseRounds } from './measure.mjs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HEAVY_APPROVER,
  HEAVY_REQUESTER,
  managerOf,
  userName,
} from './org.mjs';

const OFFERING = 'offering:default/vpn-access';
const ROUNDS = 4;
const TEMPLATE = 'template:default/vpn-access';
const VALUES = { device: 'laptop', tunnel: 'split', justification: 'bench' };

/** Generated users who are not group leads, so their manager is one too. */
function requesters(count, usersPerGroup) {
  const users = [];
  for (let u = 1; users.length < count; u++) {
    if ((u - 1) % usersPerGroup !== 0) {
      users.push(u);
    }
  }
  return users;
}

/**
 * Submission through the service catalogue at each number of clients,
 * beside (a) the bench plugin's bare authenticated insert and (b) the
 * scaffolder creating a task from the offering's own template with the same
 * values, measured one after the other at each level so that they share the
 * machine's state. Returns the figures and the submitted requests, for the
 * decisions.
 */
export async function measureSubmission(backend, options) {
  const { clientLevels, opsPerLevel, warmup, usersPerGroup, log } = options;
  const users = requesters(64, usersPerGroup);
  const tokens = await Promise.all(
    users.map(u => backend.tokenFor(userName(u))),
  );
  const api = `${backend.baseUrl}/api`;
  const submitted = [];
  const kinds = {
    insert: i =>
      call(`${api}/bench-insert/inserts`, {
        method: 'POST',
        token: tokens[i % tokens.length],
        body: { offeringRef: OFFERING, formValues: VALUES },
        expect: 201,
      }),
    scaffolder: i =>
      call(`${api}/scaffolder/v2/tasks`, {
        method: 'POST',
        token: tokens[i % tokens.length],
        body: {
          templateRef: TEMPLATE,
          values: {
            ...VALUES,
            forUser: `user:default/${userName(users[i % users.length])}`,
          },
        },
        expect: 201,
      }),
    submit: async i => {
      const { body } = await call(`${api}/service-catalogue/requests`, {
        method: 'POST',
        token: tokens[i % tokens.length],
        body: { offeringRef: OFFERING, formValues: VALUES },
        expect: 201,
      });
      submitted.push({ id: body.id, user: users[i % users.length] });
    },
  };
  for (const [kind, operation] of Object.entries(kinds)) {
    await runConcurrent({ count: warmup, clients: 4, operation });
    if (kind === 'scaffolder') {
      await waitForScaffolder(backend);
    }
  }
  submitted.length = 0;
  const levels = [];
  for (const clients of clientLevels) {
    const count = clients === 1 ? Math.ceil(opsPerLevel / 4) : opsPerLevel;
    const level = { clients };
    // The three take turns in rounds, so that a burst of the machine's other
    // work (the catalog refreshing, another process) falls on all of them.
    const rounds = Object.fromEntries(Object.keys(kinds).map(k => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, operation] of Object.entries(kinds)) {
        rounds[kind].push(
          await runConcurrent({
            count: Math.ceil(count / ROUNDS),
            clients,
            operation,
          }),
        );
        if (kind === 'scaffolder') {
          // Its tasks run (and stop at the gate) in the background: let them
          // finish before the next figure is taken.
          await waitForScaffolder(backend);
        }
      }
    }
    for (const kind of Object.keys(kinds)) {
      level[kind] = summariseRounds(rounds[kind]);
    }
    level.submitVsScaffolder = ratio(level.submit, level.scaffolder);
    level.submitVsInsert = ratio(level.submit, level.insert);
    log(
      `  ${clients} clients: insert ${level.insert.perSecond}/s, scaffolder ${level.scaffolder.perSecond}/s, submit ${level.submit.perSecond}/s (${level.submit.errors} failed)`,
    );
    levels.push(level);
  }
  return { levels, submitted };
}

const ratio = (a, b) => Math.round((a.perSecond / b.perSecond) * 100) / 100;

async function waitForScaffolder(backend) {
  const token = await backend.tokenFor('carol');
  for (let i = 0; i < 120; i++) {
    const { body } = await call(
      `${backend.baseUrl}/api/scaffolder/v2/tasks?status=open&status=processing&limit=1`,
      { token },
    );
    if ((body.totalTasks ?? body.tasks?.length ?? 0) === 0) {
      return;
    }
    await sleep(500);
  }
}

/** Each submitted request's first stage, approved by the requester's manager. */
export async function measureDecisions(backend, submitted, options) {
  const { clients, usersPerGroup } = options;
  const deciders = submitted.map(s =>
    managerOf(s.user, usersPerGroup).replace('user:default/', ''),
  );
  const tokens = new Map();
  for (const name of new Set(deciders)) {
    tokens.set(name, await backend.tokenFor(name));
  }
  const run = await runConcurrent({
    count: submitted.length,
    clients,
    operation: i =>
      call(
        `${backend.baseUrl}/api/service-catalogue/requests/${submitted[i].id}/decisions`,
        {
          method: 'POST',
          token: tokens.get(deciders[i]),
          body: { decision: 'approve', stageIndex: 0 },
          expect: 200,
        },
      ),
  });
  return summariseRounds([run]);
}

/** Every list of the product, as the user it is longest for. */
export const LISTS = [
  { name: 'waiting approvals', path: '/approvals', user: HEAVY_APPROVER },
  { name: 'decided history', path: '/approvals/history', user: HEAVY_APPROVER },
  { name: 'my requests', path: '/requests', user: HEAVY_REQUESTER },
  { name: 'desk queue', path: '/queue', user: 'ken' },
  { name: 'grants', path: '/grants', user: HEAVY_REQUESTER },
  {
    name: 'access tab',
    path: '/access/resource/default/corp-vpn',
    user: 'leo',
  },
  { name: 'departures', path: '/departures', user: 'ken' },
];

/**
 * The first page of a list as the UI asks for it: `limit=50` where the
 * endpoint takes a limit, the whole list where it does not. Only that first
 * response is timed, whether or not it says there are more (a cursor or a
 * total), so that the same figure is taken before and after pagination.
 */
export async function measureList(backend, list, { iterations, budgetMs }) {
  const token = await backend.tokenFor(list.user);
  const base = `${backend.baseUrl}/api/service-catalogue${list.path}`;
  let url = `${base}?limit=50`;
  let first;
  try {
    first = await timed(url, token);
  } catch (error) {
    if (!/: 400 /.test(String(error.message))) {
      return { error: String(error.message).slice(0, 200) };
    }
    url = base;
    try {
      first = await timed(url, token);
    } catch (again) {
      return { error: String(again.message).slice(0, 200) };
    }
  }
  // The first call after a start also warms the caches: untimed, and the
  // number of runs comes from the second.
  try {
    first = { ...(await timed(url, token)), body: first.body };
  } catch (error) {
    return { error: String(error.message).slice(0, 200) };
  }
  const items = first.body.items ?? first.body.grants ?? first.body.holders;
  const shape = {
    paged: url !== base,
    items: Array.isArray(items) ? items.length : undefined,
    totalCount: first.body.totalCount,
    nextCursor: Boolean(first.body.nextCursor ?? first.body.cursor),
  };
  // A list that already takes seconds gets fewer runs, so that one slow
  // list cannot hold up the rest of the run; the count is in the figures.
  const runs = Math.max(
    1,
    Math.min(iterations, Math.floor(budgetMs / Math.max(1, first.ms))),
  );
  const latencies = [];
  try {
    for (let i = 0; i < runs; i++) {
      latencies.push((await timed(url, token)).ms);
    }
  } catch (error) {
    return { ...shape, error: String(error.message).slice(0, 200) };
  }
  return { ...shape, ...summarise(latencies) };
}

async function timed(url, token) {
  const t0 = performance.now();
  const { body } = await call(url, { token, timeoutMs: 60_000 });
  return { ms: performance.now() - t0, body };
}
