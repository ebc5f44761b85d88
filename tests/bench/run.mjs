#!/usr/bin/env node
// The benchmark harness: `yarn bench [--quick] [--sizes 1k,100k,1m]
// [--databases sqlite,postgres] [--skip-build]`. See the README's
// "Benchmarks" section for what it measures and how to read it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Backend,
  ROOT,
  benchConfig,
  buildBackend,
  freePort,
  killRunning,
} from './lib/backend.mjs';
import { readExamples } from './lib/offerings.mjs';
import { writeOrganisation } from './lib/org.mjs';
import { printTable } from './lib/report.mjs';
import {
  LISTS,
  measureDecisions,
  measureList,
  measureSubmission,
} from './lib/scenarios.mjs';
import { openWriter, seedTo } from './lib/seed.mjs';
import { dropDatabases, postgresTarget, sqliteTarget } from './lib/targets.mjs';

const log = message =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

function parseSize(text) {
  const m = /^(\d+)([km]?)$/i.exec(text.trim());
  if (!m) {
    throw new Error(`'${text}' is not a size such as 1k, 100k or 1m`);
  }
  const factor = { '': 1, k: 1000, m: 1_000_000 }[m[2].toLowerCase()];
  return Number(m[1]) * factor;
}

export function parseArgs(argv) {
  const options = {
    quick: false,
    sizes: [1000, 100_000, 1_000_000],
    databases: ['sqlite', 'postgres'],
    skipBuild: false,
  };
  let explicitSizes = false;
  let explicitDatabases = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${arg} needs a value`);
      }
      return argv[++i];
    };
    if (arg === '--quick') {
      options.quick = true;
    } else if (arg === '--sizes') {
      options.sizes = value().split(',').map(parseSize);
      explicitSizes = true;
    } else if (arg === '--databases') {
      options.databases = value().split(',');
      explicitDatabases = true;
    } else if (arg === '--results') {
      options.resultsDir = path.resolve(value());
    } else if (arg === '--work') {
      options.workDir = path.resolve(value());
    } else if (arg === '--keep-catalog') {
      options.keepCatalog = true;
    } else if (arg === '--skip-build') {
      options.skipBuild = true;
    } else if (arg === '--print') {
      options.print = value();
    } else if (arg === '--help') {
      options.help = true;
    } else {
      throw new Error(`Unknown option ${arg}; see yarn bench --help`);
    }
  }
  for (const db of options.databases) {
    if (!['sqlite', 'postgres'].includes(db)) {
      throw new Error(`Unknown database ${db}: sqlite or postgres`);
    }
  }
  if (options.quick) {
    options.sizes = explicitSizes ? options.sizes : [1000];
    options.databases = explicitDatabases ? options.databases : ['sqlite'];
  }
  options.sizes.sort((a, b) => a - b);
  return {
    ...options,
    org: options.quick
      ? { users: 1000, groups: 100 }
      : { users: 10_000, groups: 1000 },
    clientLevels: [1, 16, 32],
    opsPerLevel: options.quick ? 32 : 160,
    warmup: options.quick ? 4 : 16,
    listIterations: options.quick ? 5 : 30,
    listBudgetMs: options.quick ? 5_000 : 15_000,
  };
}

const HELP = `yarn bench [options]
  --quick                 SQLite, 1k requests, a small organisation, few iterations
  --sizes 1k,100k,1m      how many requests to seed, in turn (default all three)
  --databases sqlite,postgres
  --skip-build            reuse the last build of the backend and the bench plugin
  --keep-catalog          reuse the SQLite catalog of the last run (same --quick
                          or not): saves the catalog reading the organisation
  --results DIR           where the JSON goes (default tests/bench/results)
  --work DIR              scratch folder (default tests/bench/.work)
  --print FILE            print the table of a results file again`;

/** Whether the catalog holds every user and group of both organisations. */
async function catalogReady(backend, org) {
  const token = await backend.tokenFor('carol');
  const count = async kind => {
    const response = await fetch(
      `${backend.baseUrl}/api/catalog/entities/by-query?filter=kind=${kind}&limit=1`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    return response.ok ? (await response.json()).totalItems : 0;
  };
  const examples = readExamples(ROOT).counts;
  return (
    (await count('user')) >= examples.users + org.users + 2 &&
    (await count('group')) >= examples.groups + org.groups
  );
}

async function benchDatabase(kind, options, shared, results) {
  const target =
    kind === 'sqlite' ? sqliteTarget(shared.workDir) : await postgresTarget();
  const result = { database: kind, sizes: [] };
  results.push(result);
  const start = async () => {
    const port = await freePort();
    const configFile = path.join(shared.workDir, `app-config.${kind}.json`);
    fs.writeFileSync(
      configFile,
      JSON.stringify(
        benchConfig({
          port,
          database: target.config,
          workDir: shared.workDir,
          orgFile: shared.orgFile,
        }),
      ),
    );
    return Backend.start({
      backendDir: shared.backendDir,
      configFile,
      logFile: path.join(shared.workDir, `backend.${kind}.log`),
      log,
    });
  };
  try {
    log(
      `${kind}: first start (migrations, the catalog reads the organisation)`,
    );
    let backend = await start();
    try {
      await backend.waitUntil(
        'the catalog holds the organisation',
        () => catalogReady(backend, options.org),
        900,
      );
    } finally {
      await backend.stop();
    }
    const context = {
      ...readExamples(ROOT),
      users: options.org.users,
      usersPerGroup: shared.usersPerGroup,
      now: Date.now(),
      heavyWaiting: 0,
    };
    for (const size of options.sizes) {
      const writer = await openWriter(target);
      let seeded;
      try {
        log(`${kind}: seeding up to ${size} requests`);
        seeded = await seedTo(writer, size, context);
      } finally {
        await writer.close();
      }
      log(`${kind}: seeded ${seeded.added} requests in ${seeded.seconds} s`);
      backend = await start();
      try {
        const figures = { size, seedSeconds: seeded.seconds, lists: {} };
        for (const list of LISTS) {
          figures.lists[list.name] = await measureList(backend, list, {
            iterations: options.listIterations,
            budgetMs: options.listBudgetMs,
          });
          log(`  ${list.name}: ${JSON.stringify(figures.lists[list.name])}`);
          if (figures.lists[list.name].error) {
            // A list given up on client-side may still hold the backend's
            // event loop: the next figure must not queue behind it.
            const t0 = Date.now();
            await backend.waitUntil(
              'the backend answers again',
              async () =>
                (
                  await fetch(
                    `${backend.baseUrl}/api/service-catalogue/health`,
                    {
                      signal: AbortSignal.timeout(2000),
                    },
                  )
                ).ok,
              1800,
            );
            figures.lists[list.name].busySecondsAfter = Math.round(
              (Date.now() - t0) / 1000,
            );
          }
        }
        result.sizes.push(figures);
        log(`${kind} at ${size}: submission`);
        const submission = await measureSubmission(backend, {
          ...options,
          usersPerGroup: shared.usersPerGroup,
          log,
        });
        figures.submit = submission.levels;
        shared.save();
        log(`${kind} at ${size}: decisions`);
        figures.decide = await measureDecisions(backend, submission.submitted, {
          clients: 16,
          usersPerGroup: shared.usersPerGroup,
        });
        shared.save();
      } finally {
        await backend.stop();
      }
    }
  } finally {
    if (target.drop) {
      await dropDatabases(target);
    }
  }
}

function gitCommit() {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT })
      .toString()
      .trim();
    const dirty =
      execFileSync(
        'git',
        // What the figures are of: the product and the demo, not the harness.
        [
          'status',
          '--porcelain',
          '--',
          'plugins',
          'packages/backend',
          'packages/app',
        ],
        {
          cwd: ROOT,
        },
      )
        .toString()
        .trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  if (options.print) {
    printTable(JSON.parse(fs.readFileSync(options.print, 'utf8')));
    return;
  }
  const started = Date.now();
  const workDir = options.workDir ?? path.join(ROOT, 'tests/bench/.work');
  const sqliteDir = path.join(workDir, 'sqlite');
  if (options.keepCatalog && fs.existsSync(sqliteDir)) {
    // Everything but the SQLite catalog the last run filled.
    for (const name of fs.readdirSync(sqliteDir)) {
      if (!name.startsWith('catalog.sqlite')) {
        fs.rmSync(path.join(sqliteDir, name));
      }
    }
  } else {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  fs.mkdirSync(workDir, { recursive: true });
  const backendDir = buildBackend(workDir, {
    skipBuild: options.skipBuild,
    log,
  });
  const { file: orgFile, usersPerGroup } = writeOrganisation(
    workDir,
    options.org,
  );
  const resultsDir =
    options.resultsDir ?? path.join(ROOT, 'tests/bench/results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(
    resultsDir,
    `${new Date(started).toISOString().replace(/[:.]/g, '-')}${
      options.quick ? '-quick' : ''
    }.json`,
  );
  // Written after every figure, so that a run cut short keeps what it has.
  const save = () => {
    run.seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  };
  const shared = { workDir, backendDir, orgFile, usersPerGroup, save };

  const run = {
    ...gitCommit(),
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    options: {
      quick: options.quick,
      sizes: options.sizes,
      organisation: options.org,
      clientLevels: options.clientLevels,
      opsPerLevel: options.opsPerLevel,
    },
    databases: [],
  };
  for (const kind of options.databases) {
    await benchDatabase(kind, options, shared, run.databases);
  }
  save();
  printTable(run);
  log(`results in ${path.relative(ROOT, file)} (${run.seconds} s)`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killRunning();
    process.exit(130);
  });
}

main().catch(error => {
  killRunning();
  console.error(error);
  process.exitCode = 1;
});
