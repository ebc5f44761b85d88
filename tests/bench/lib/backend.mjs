// Builds the demo backend as production does (backstage-cli package build:
// a bundle of the backend and the workspace packages it uses, each with its
// publishConfig, so dist/ rather than src/), unpacks it, and starts it with
// NODE_ENV=production on a free port of 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const PRELOAD = path.join(ROOT, 'tests/bench/lib/withBenchPlugin.cjs');
const BUNDLES = ['packages/backend', 'packages/backend-bench'].map(dir =>
  path.join(ROOT, dir, 'dist/bundle.tar.gz'),
);

function yarn(args, log) {
  log(`yarn ${args.join(' ')}`);
  execFileSync('yarn', args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * Builds the bundles of the backend and the bench plugin, and unpacks them
 * together under `workDir`, where Node finds the third-party packages in the
 * repository's node_modules above it and the workspace packages in links
 * to their unpacked, built selves.
 */
export function buildBackend(workDir, { skipBuild, log }) {
  if (!skipBuild) {
    yarn(['workspace', 'backend', 'build'], log);
    yarn(['workspace', '@service-catalogue/backend-bench', 'build'], log);
  }
  const dist = path.join(workDir, 'dist-workspace');
  fs.rmSync(dist, { recursive: true, force: true });
  fs.mkdirSync(dist, { recursive: true });
  for (const bundle of BUNDLES) {
    if (!fs.existsSync(bundle)) {
      throw new Error(`No ${bundle}: run without --skip-build first`);
    }
    execFileSync('tar', ['-xzf', bundle, '-C', dist]);
  }
  const modules = path.join(dist, 'node_modules');
  for (const parent of ['packages', 'plugins']) {
    const dir = path.join(dist, parent);
    if (!fs.existsSync(dir)) {
      continue;
    }
    for (const name of fs.readdirSync(dir)) {
      const pkgDir = path.join(dir, name);
      const manifest = path.join(pkgDir, 'package.json');
      if (!fs.existsSync(manifest)) {
        continue;
      }
      const pkgName = JSON.parse(fs.readFileSync(manifest, 'utf8')).name;
      const link = path.join(modules, pkgName);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(pkgDir, link);
    }
  }
  return path.join(dist, 'packages/backend');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The config the bench adds to the demo's app-config.yaml. */
export function benchConfig({ port, database, workDir, orgFile }) {
  const url = `http://127.0.0.1:${port}`;
  return {
    app: { baseUrl: url },
    backend: {
      baseUrl: url,
      listen: { host: '127.0.0.1', port },
      cors: { origin: url },
      database,
    },
    catalog: {
      locations: [
        { type: 'file', target: path.join(ROOT, 'examples/all.yaml') },
        { type: 'file', target: orgFile },
      ],
    },
    demo: {
      accessLists: { directory: path.join(workDir, 'access-lists') },
    },
  };
}

const running = new Set();

/** Ends the backends still running, when the harness itself is ended. */
export function killRunning() {
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export class Backend {
  static async start({ backendDir, configFile, logFile, log }) {
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    const baseUrl = config.backend.baseUrl;
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [
        '--require',
        PRELOAD,
        '.',
        '--config',
        path.join(ROOT, 'app-config.yaml'),
        '--config',
        configFile,
      ],
      {
        cwd: backendDir,
        detached: true,
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          NODE_ENV: 'production',
        },
      },
    );
    running.add(child);
    child.once('exit', () => running.delete(child));
    const backend = new Backend(child, baseUrl, logFile);
    await backend.waitUntil(
      'the backend answers',
      async () => (await fetch(`${baseUrl}/api/service-catalogue/health`)).ok,
      180,
    );
    log(`backend up on ${baseUrl} (pid ${child.pid})`);
    return backend;
  }

  constructor(child, baseUrl, logFile) {
    this.child = child;
    this.baseUrl = baseUrl;
    this.logFile = logFile;
    this.exited = false;
    this.tokens = new Map();
    child.once('exit', () => {
      this.exited = true;
    });
  }

  async waitUntil(what, check, seconds) {
    for (let i = 0; i < seconds; i++) {
      if (this.exited) {
        throw new Error(
          `The backend exited before ${what}; see ${this.logFile}`,
        );
      }
      try {
        if (await check()) {
          return;
        }
      } catch {
        // not yet
      }
      await sleep(1000);
    }
    throw new Error(`Gave up waiting until ${what}; see ${this.logFile}`);
  }

  /** A user token from the demo sign-in, as a script gets one. */
  async tokenFor(userName) {
    // A backend that has just come up may still drop its first calls
    // between plugins: a few tries before giving up.
    for (let attempt = 1; !this.tokens.has(userName); attempt++) {
      const response = await fetch(`${this.baseUrl}/api/auth/demo/refresh`, {
        headers: { 'x-demo-user': userName },
      });
      if (response.ok) {
        const body = await response.json();
        this.tokens.set(userName, body.backstageIdentity.token);
      } else if (response.status < 500 || attempt >= 5) {
        throw new Error(
          `sign-in as ${userName}: ${response.status} ${await response.text()}`,
        );
      } else {
        await sleep(2000);
      }
    }
    return this.tokens.get(userName);
  }

  async stop() {
    if (this.exited) {
      return;
    }
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    process.kill(-this.child.pid, 'SIGTERM');
    const killed = await Promise.race([
      exited,
      sleep(30_000).then(() => false),
    ]);
    if (killed === false) {
      process.kill(-this.child.pid, 'SIGKILL');
      await exited;
    }
  }
}
