#!/usr/bin/env node
/*
 * Turns a fresh `@backstage/create-app` app into the adopter check's app:
 *
 * 1. moves it to the Backstage release this repository is on, with the same
 *    registry pins (create-app in the registry here may be older than the
 *    release, and `backstage-cli versions:bump` needs the online manifest):
 *    each `@backstage/*` package gets the version this repository installed,
 *    or the newest in the registry for packages the repository does not use;
 *    the root gets the repository's TypeScript, resolutions and build flags;
 * 2. points the `@service-catalogue` scope at the local registry that serves
 *    the packed packages;
 * 3. applies the README's "Adding the plugins to an existing Backstage app"
 *    section, block by block, as its `<!-- adopter-check: ... -->` markers
 *    say; its shell commands are written to a file for the caller to run;
 * 4. registers the check's own offering, makes the type-check read the
 *    frontend package's declarations, and writes the check's config overlay
 *    (port, base URLs).
 *
 * Usage: node prepare-app.js <app> <repo> <registry port> <backend port>
 */
const fs = require('fs');
const path = require('path');
const { execFile } = require('child_process');
const { promisify } = require('util');

const [app, repo, registryPort, backendPort] = process.argv.slice(2);
if (!backendPort) {
  console.error(
    'usage: prepare-app.js <app> <repo> <registry port> <backend port>',
  );
  process.exit(2);
}
const YAML = require(require.resolve('yaml', { paths: [repo] }));

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function fail(message) {
  console.error(`adopter check: ${message}`);
  process.exit(1);
}

async function registryVersion(name) {
  const { stdout } = await promisify(execFile)('npm', [
    'view',
    name,
    'version',
  ]);
  return stdout.trim();
}

function repoVersion(name) {
  const file = path.join(repo, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? readJson(file).version : undefined;
}

async function moveToRelease() {
  const manifests = [
    'package.json',
    'packages/app/package.json',
    'packages/backend/package.json',
  ].map(file => path.join(app, file));
  const names = new Set();
  for (const file of manifests) {
    const manifest = readJson(file);
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (name.startsWith('@backstage/')) names.add(name);
      }
    }
  }
  const versions = new Map();
  await Promise.all(
    [...names].map(async name => {
      versions.set(name, repoVersion(name) ?? (await registryVersion(name)));
    }),
  );
  for (const file of manifests) {
    const manifest = readJson(file);
    for (const field of ['dependencies', 'devDependencies']) {
      for (const name of Object.keys(manifest[field] ?? {})) {
        if (versions.has(name))
          manifest[field][name] = `^${versions.get(name)}`;
      }
    }
    writeJson(file, manifest);
  }

  const repoRoot = readJson(path.join(repo, 'package.json'));
  const root = readJson(path.join(app, 'package.json'));
  root.devDependencies.typescript = repoRoot.devDependencies.typescript;
  root.resolutions = { ...root.resolutions, ...repoRoot.resolutions };
  root.dependenciesMeta = {
    ...root.dependenciesMeta,
    ...repoRoot.dependenciesMeta,
  };
  writeJson(path.join(app, 'package.json'), root);
  fs.copyFileSync(
    path.join(repo, 'backstage.json'),
    path.join(app, 'backstage.json'),
  );
}

function useLocalRegistry() {
  const file = path.join(app, '.yarnrc.yml');
  const yarnrc = YAML.parse(fs.readFileSync(file, 'utf8'));
  yarnrc.npmScopes = {
    'service-catalogue': {
      npmRegistryServer: `http://127.0.0.1:${registryPort}`,
    },
  };
  yarnrc.unsafeHttpWhitelist = ['127.0.0.1'];
  // The packages were packed a minute ago; the fresh app's age gate would
  // hold them back for days.
  yarnrc.npmPreapprovedPackages = [
    ...(yarnrc.npmPreapprovedPackages ?? []),
    '@service-catalogue/*',
  ];
  fs.writeFileSync(file, YAML.stringify(yarnrc));
}

/** Deep merge where lists are extended, as "add these under your keys" reads. */
function merge(target, addition) {
  if (Array.isArray(target) && Array.isArray(addition)) {
    return [...target, ...addition];
  }
  if (
    target &&
    addition &&
    typeof target === 'object' &&
    typeof addition === 'object'
  ) {
    const result = { ...target };
    for (const [key, value] of Object.entries(addition)) {
      result[key] = key in target ? merge(target[key], value) : value;
    }
    return result;
  }
  return addition;
}

function mergeIntoConfig(addition) {
  const file = path.join(app, 'app-config.yaml');
  const config = YAML.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, YAML.stringify(merge(config, addition)));
}

function readmeBlocks() {
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  const heading = '## Adding the plugins to an existing Backstage app';
  const start = readme.indexOf(heading);
  if (start < 0) fail(`the README has no "${heading}" section`);
  const rest = readme.slice(start + heading.length);
  const section = rest.slice(0, rest.search(/^## /m));
  const blocks = [];
  const fence = /(?:<!-- adopter-check: (.+?) -->\s*)?```(\w+)\n([\s\S]*?)```/g;
  for (const match of section.matchAll(fence)) {
    const [, marker, language, body] = match;
    if (!marker) {
      fail(
        `a ${language} block in the README's adopter section has no ` +
          '<!-- adopter-check: ... --> marker, so nothing checks it',
      );
    }
    blocks.push({ marker, language, body });
  }
  if (!blocks.length) fail("the README's adopter section has no blocks");
  return blocks;
}

function applyReadme() {
  const commands = [];
  for (const { marker, language, body } of readmeBlocks()) {
    let match;
    if (marker === 'run' && language === 'sh') {
      commands.push(body);
    } else if (
      (match = /^insert into (\S+) before (.+)$/.exec(marker)) &&
      language === 'ts'
    ) {
      const [, relative, anchor] = match;
      const file = path.join(app, relative);
      const source = fs.readFileSync(file, 'utf8');
      if (!source.includes(anchor)) {
        fail(`${relative} in a fresh app has no "${anchor}"`);
      }
      fs.writeFileSync(file, source.replace(anchor, `${body}\n${anchor}`));
    } else if (marker === 'merge into app-config.yaml' && language === 'yaml') {
      mergeIntoConfig(YAML.parse(body));
    } else if (marker.startsWith('skip, ')) {
      console.log(`adopter check: README block not applied (${marker})`);
    } else {
      fail(`unknown README marker "${marker}" on a ${language} block`);
    }
  }
  fs.writeFileSync(
    path.join(app, 'readme-commands.sh'),
    `set -euxo pipefail\n${commands.join('\n')}`,
  );
}

function addCheckSetup() {
  const config = YAML.parse(
    fs.readFileSync(path.join(app, 'app-config.yaml'), 'utf8'),
  );
  // The README leaves the frontend to discovery; hold it to that.
  if (config.app?.packages !== 'all') {
    fail('a fresh app no longer discovers packages (app.packages: all)');
  }
  // Discovery never imports the frontend package from the app's source, so
  // without this file the type-check would not read its published types.
  fs.writeFileSync(
    path.join(app, 'packages/app/src/serviceCatalogueTypes.ts'),
    [
      "export * as serviceCatalogue from '@service-catalogue/plugin-service-catalogue';",
      "export * as serviceCatalogueAlpha from '@service-catalogue/plugin-service-catalogue/alpha';",
      '',
    ].join('\n'),
  );
  fs.copyFileSync(
    path.join(__dirname, 'offering.yaml'),
    path.join(app, 'examples', 'service-catalogue-offering.yaml'),
  );
  mergeIntoConfig({
    catalog: {
      locations: [
        {
          type: 'file',
          target: '../../examples/service-catalogue-offering.yaml',
        },
      ],
    },
  });
  const base = `http://localhost:${backendPort}`;
  fs.writeFileSync(
    path.join(app, 'app-config.check.yaml'),
    YAML.stringify({
      app: { baseUrl: base },
      backend: {
        baseUrl: base,
        listen: { port: Number(backendPort) },
        cors: { origin: base },
      },
    }),
  );
}

moveToRelease()
  .then(() => {
    useLocalRegistry();
    applyReadme();
    addCheckSetup();
  })
  .catch(error => fail(error.stack ?? String(error)));
