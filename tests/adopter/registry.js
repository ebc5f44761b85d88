#!/usr/bin/env node
/*
 * A read-only npm registry on 127.0.0.1 that serves the tarballs in one
 * folder, so the adopter check can `yarn add` our packages by name, exactly as
 * the README tells an adopter, before they are published. Everything else
 * still comes from the real registry: the fresh app points only the
 * `@service-catalogue` scope here.
 *
 * Usage: node registry.js <folder of .tgz> <file to write the port to>
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { execFileSync } = require('child_process');

const [folder, portFile] = process.argv.slice(2);
if (!folder || !portFile) {
  console.error('usage: registry.js <tarball folder> <port file>');
  process.exit(2);
}

const published = new Date().toISOString();
const packuments = new Map();
const tarballs = new Map();

function load(port) {
  for (const file of fs.readdirSync(folder).filter(f => f.endsWith('.tgz'))) {
    const full = path.join(folder, file);
    const bytes = fs.readFileSync(full);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', full, 'package/package.json'], {
        encoding: 'utf8',
      }),
    );
    tarballs.set(`/-/${file}`, full);
    packuments.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      time: {
        created: published,
        modified: published,
        [manifest.version]: published,
      },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: {
            tarball: `http://127.0.0.1:${port}/-/${file}`,
            shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
            integrity: `sha512-${crypto
              .createHash('sha512')
              .update(bytes)
              .digest('base64')}`,
          },
        },
      },
    });
  }
}

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const tarball = tarballs.get(url);
  if (tarball) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    fs.createReadStream(tarball).pipe(res);
    return;
  }
  const packument = packuments.get(url.slice(1));
  if (packument) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(packument));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not found' }));
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  load(port);
  fs.writeFileSync(portFile, String(port));
  console.log(
    `registry: ${[...packuments.keys()].join(', ')} on 127.0.0.1:${port}`,
  );
});
