#!/usr/bin/env node
/*
 * What an adopter tries first in their app: sign in as the stock guest, see
 * the check's offering in the catalogue, request it, and find the request
 * among their own, waiting for approval.
 *
 * Usage: node request.js <backend base URL>
 */
const [baseUrl] = process.argv.slice(2);
const OFFERING = 'offering:default/adopter-check-vpn';
const api = `${baseUrl}/api/service-catalogue`;

async function call(url, init = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

function expect(condition, message, detail) {
  if (!condition) {
    console.error(`adopter check: ${message}`, detail ?? '');
    process.exit(1);
  }
}

async function main() {
  const session = await call(
    `${baseUrl}/api/auth/guest/refresh?env=development`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  const token = session.body?.backstageIdentity?.token;
  expect(token, 'the guest sign-in gave no token', session);
  const headers = {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };

  let offerings;
  // The catalog takes a few processing rounds to ingest a new kind.
  for (let attempt = 0; attempt < 90; attempt++) {
    offerings = await call(`${api}/offerings`, { headers });
    if (
      offerings.status === 200 &&
      offerings.body.items?.some(o => o.entityRef === OFFERING)
    ) {
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
  }
  expect(
    offerings.body.items?.some(o => o.entityRef === OFFERING),
    `the catalogue does not list ${OFFERING}`,
    offerings,
  );
  console.log(`adopter check: the catalogue lists ${OFFERING}`);

  const submitted = await call(`${api}/requests`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      offeringRef: OFFERING,
      formValues: { reason: 'Working from home' },
    }),
  });
  expect(submitted.status === 201, 'submitting a request failed', submitted);
  const request = submitted.body;
  expect(
    /^REQ-\d+$/.test(request.trackingNumber) &&
      request.state === 'PENDING_APPROVAL',
    'the request has no tracking number or is not waiting for approval',
    request,
  );

  const mine = await call(`${api}/requests`, { headers });
  expect(
    mine.status === 200 &&
      mine.body.items.some(r => r.trackingNumber === request.trackingNumber),
    "the request is not among the guest's requests",
    mine,
  );
  console.log(
    `adopter check: ${request.trackingNumber} submitted, waiting for approval`,
  );
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
