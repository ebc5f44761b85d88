import { expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// heidi (data-team) reports to bob; the network team (leo, peggy) owns the
// corporate VPN and the vpn-access offering that targets it. The request
// and its approvals go through the API here; requests.spec.ts walks them
// through the pages.

const api = `${backendUrl}/api/service-catalogue`;

async function call(user: string, path: string, body?: object): Promise<any> {
  const response = await fetch(`${api}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      Authorization: `Bearer ${await tokenFor(user)}`,
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(response.ok).toBe(true);
  return response.json();
}

test('granted access shows on the target’s Access tab, and the owner revokes it through the revoke template', async ({
  page,
  browser,
}) => {
  const submitted = await call('heidi', '/requests', {
    offeringRef: 'offering:default/vpn-access',
    formValues: {
      device: 'laptop',
      tunnel: 'split',
      justification: 'Reporting from home',
    },
  });
  const tracking = submitted.trackingNumber;
  await call('bob', `/requests/${tracking}/decisions`, { decision: 'approve' });
  await call('leo', `/requests/${tracking}/decisions`, { decision: 'approve' });

  // The scaffolder runs the VPN template; the grant is on record once done.
  await signInAs(page, 'heidi');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'My access' })
    .click();
  const myAccess = page.getByRole('table', { name: 'My access' });
  await expect(async () => {
    await page.reload();
    await expect(
      myAccess.getByRole('row', { name: new RegExp(tracking) }),
    ).toContainText('Active', { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });

  // The VPN template put heidi on the VPN's (demo) access list.
  const vpnMembers = async () => {
    const response = await fetch(
      `${backendUrl}/api/demo-access-lists/corp-vpn`,
      {
        headers: { Authorization: `Bearer ${await tokenFor('heidi')}` },
      },
    );
    return (await response.json()).members;
  };
  expect(await vpnMembers()).toContain('user:default/heidi');

  // The VPN's owner sees who holds it on the resource's Access tab.
  const leoContext = await browser.newContext();
  const leo = await leoContext.newPage();
  await signInAs(leo, 'leo');
  await leo.goto('/catalog/default/resource/corp-vpn/access');
  await expect(
    leo.getByRole('list', { name: 'Offerings' }).getByText('VPN access'),
  ).toBeVisible();
  const holder = leo
    .getByRole('table', { name: 'Holders' })
    .getByRole('row')
    .filter({ hasText: /heidi/i });
  await holder
    .getByRole('button', { name: /^Revoke .* from VPN access$/ })
    .click();
  const dialog = leo.getByRole('dialog', { name: 'Revoke access?' });
  await dialog
    .getByRole('textbox', { name: 'Reason' })
    .fill('Left the project');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(dialog).toBeHidden();

  // The revoke template ran in the scaffolder and the grant ended.
  await expect(async () => {
    await page.reload();
    await expect(
      myAccess.getByRole('row', { name: new RegExp(tracking) }),
    ).toContainText('Revoked', { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  const [grant] = (await call('heidi', '/grants')).items.filter(
    (g: { trackingNumber: string }) => g.trackingNumber === tracking,
  );
  expect(grant).toMatchObject({
    state: 'ended',
    endReason: 'revoked',
    endedByRef: 'user:default/leo',
    revokeTaskId: expect.any(String),
  });
  expect(await vpnMembers()).not.toContain('user:default/heidi');
  await leoContext.close();
});

test('the desk takes a manual request from its queue and completes it', async ({
  page,
}) => {
  // nina (finance) asks for a new laptop; her manager oscar approves.
  const submitted = await call('nina', '/requests', {
    offeringRef: 'offering:default/new-laptop',
    formValues: { model: 'standard-14', keyboard: 'uk', reason: 'broken' },
  });
  const tracking = submitted.trackingNumber;
  await call('oscar', `/requests/${tracking}/decisions`, {
    decision: 'approve',
  });

  await signInAs(page, 'ken');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Desk queue' })
    .click();
  const queue = page.getByRole('table', { name: 'Desk queue' });
  await queue.getByRole('button', { name: `Take ${tracking}` }).click();
  await queue.getByRole('button', { name: `Complete ${tracking}` }).click();
  const dialog = page.getByRole('dialog', { name: `Complete ${tracking}` });
  await dialog
    .getByRole('textbox', { name: 'Note' })
    .fill('Collect it at the IT desk');
  await dialog.getByRole('button', { name: 'Complete' }).click();
  await expect(dialog).toBeHidden();

  const done = await call('nina', `/requests/${tracking}`);
  expect(done.request).toMatchObject({
    state: 'DONE',
    assigneeRef: 'user:default/ken',
  });
  expect(done.events.map((e: { type: string }) => e.type)).toEqual(
    expect.arrayContaining(['assign', 'start', 'complete']),
  );
});

test('the holder asks for more time on My access, and the approvals move the end of the access', async ({
  page,
}) => {
  // ivan (data-team) reports to heidi; leo owns the VPN.
  const submitted = await call('ivan', '/requests', {
    offeringRef: 'offering:default/vpn-access',
    formValues: { device: 'laptop', tunnel: 'split', justification: 'On call' },
  });
  await call('heidi', `/requests/${submitted.trackingNumber}/decisions`, {
    decision: 'approve',
  });
  await call('leo', `/requests/${submitted.trackingNumber}/decisions`, {
    decision: 'approve',
  });
  let grant: any;
  await expect(async () => {
    [grant] = (await call('ivan', '/grants')).items.filter(
      (g: { trackingNumber: string; state: string }) =>
        g.trackingNumber === submitted.trackingNumber && g.state === 'active',
    );
    expect(grant).toBeDefined();
  }).toPass({ timeout: 30_000 });

  await signInAs(page, 'ivan');
  await page.goto('/service-catalogue/access');
  await page
    .getByRole('table', { name: 'My access' })
    .getByRole('row', { name: new RegExp(submitted.trackingNumber) })
    .getByRole('button', { name: 'Ask for more time on VPN access' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'More time for VPN access' });
  await dialog
    .getByRole('textbox', { name: 'Reason' })
    .fill('The on-call rota runs another quarter');
  await dialog.getByRole('button', { name: 'Ask for more time' }).click();
  await expect(dialog).toBeHidden();
  const asked = page
    .getByRole('status')
    .filter({ hasText: 'More time asked in' })
    .getByRole('link', { name: /^REQ-\d{6}$/ });
  const extension = (await asked.textContent())!;

  // The same approvals as the access itself: the manager, then the owner.
  await call('heidi', `/requests/${extension}/decisions`, {
    decision: 'approve',
  });
  const done = await call('leo', `/requests/${extension}/decisions`, {
    decision: 'approve',
  });
  expect(done).toMatchObject({ state: 'DONE', extendsGrantId: grant.id });
  const [extended] = (await call('ivan', '/grants')).items.filter(
    (g: { id: string }) => g.id === grant.id,
  );
  // vpn-access lasts P90D, counted from the old end.
  expect(Date.parse(extended.expiresAt) - Date.parse(grant.expiresAt)).toBe(
    90 * 24 * 60 * 60 * 1000,
  );
  expect(extended.pendingExtension).toBeUndefined();
});
