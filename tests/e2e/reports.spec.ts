import { readFile } from 'node:fs/promises';
import { Page, expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// ken is on the service desk, which sees every offering's figures; peggy is
// on the network team, which owns the VPN and not the password reset (leo,
// its lead, is also an administrator through it-managers).

const api = `${backendUrl}/api/service-catalogue`;

async function openReports(page: Page, user: string) {
  await signInAs(page, user);
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Reports' })
    .click();
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible();
}

/** The card of one report, by its title. */
function card(page: Page, title: string) {
  return page
    .getByRole('heading', { name: title, exact: true })
    .locator('xpath=ancestor::*[contains(@class, "MuiCard-root")][1]');
}

test('the desk sees every offering in the reports, exports a table as CSV, and an owner sees only their offerings', async ({
  page,
  browser,
}) => {
  const raised = await fetch(`${api}/requests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokenFor('ken')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      offeringRef: 'offering:default/password-reset',
      forUser: 'user:default/nina',
      formValues: { account: 'sso', verification: 'in-person' },
    }),
  });
  expect(raised.status).toBe(201);

  await openReports(page, 'ken');
  const top = card(page, 'Most requested offerings');
  await expect(top.getByRole('cell', { name: 'Password reset' })).toBeVisible();
  await expect(
    card(page, 'Requests by category').getByRole('cell').first(),
  ).toBeVisible();

  const download = page.waitForEvent('download');
  await page
    .getByRole('button', { name: 'Export Most requested offerings as CSV' })
    .click();
  const file = await (await download).path();
  const csv = await readFile(file!, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('Offering,Requests');
  expect(csv).toMatch(/^Password reset,\d+$/m);

  const peggyPage = await (await browser.newContext()).newPage();
  await openReports(peggyPage, 'peggy');
  const peggyTop = card(peggyPage, 'Most requested offerings');
  await expect(peggyTop).toBeVisible();
  // The VPN is hers: requested (by another spec) or never requested.
  await expect(
    peggyPage.getByRole('cell', { name: 'VPN access', exact: true }).first(),
  ).toBeVisible();
  await expect(peggyTop.getByText('Password reset')).toHaveCount(0);
  await expect(
    card(peggyPage, 'Never requested').getByText('Password reset'),
  ).toHaveCount(0);
});
