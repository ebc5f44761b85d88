import { expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// The network team (leo, peggy) owns vpn-access. quinn and mia hold it
// through access the owner recorded; leo opens a review of the offering by
// hand, and peggy, his colleague, revokes both in one decision.

const api = `${backendUrl}/api/service-catalogue`;
const offeringRef = 'offering:default/vpn-access';

async function call(user: string, path: string, body?: object): Promise<any> {
  const response = await fetch(`${api}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      Authorization: `Bearer ${await tokenFor(user)}`,
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
  return response.json();
}

test('a reviewer revokes two holders in one decision, and their access ends', async ({
  page,
}) => {
  const holders = ['quinn', 'mia'];
  for (const holder of holders) {
    await call('leo', '/grants', {
      offeringRef,
      holderRef: `user:default/${holder}`,
    });
  }
  // A title of its own, to find this campaign's lines among any others.
  const title = `VPN access review ${Date.now()}`;
  const campaign = await call('leo', '/reviews/campaigns', {
    scope: { kind: 'offering', offeringRef },
    title,
  });
  expect(campaign).toMatchObject({ state: 'open', title });

  await signInAs(page, 'peggy');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Reviews' })
    .click();
  const lines = page.getByRole('table', { name: 'Lines to review' });
  await expect(lines).toBeVisible();
  await page.getByRole('button', { name: /^Campaign/ }).click();
  await page.getByRole('option', { name: title }).click();
  for (const holder of holders) {
    await lines
      .getByRole('checkbox', { name: `Select ${holder}, VPN access` })
      .check();
  }
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke 2 lines' });
  await dialog
    .getByRole('textbox', { name: 'Reason' })
    .fill('No longer works with the network');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(dialog).toBeHidden();

  const outcome = page
    .getByRole('status')
    .filter({ hasText: 'Revoked 2 lines' });
  for (const holder of holders) {
    await expect(outcome).toContainText(`${holder}, VPN access: revoked`);
    await expect(
      lines.getByRole('checkbox', { name: `Select ${holder}, VPN access` }),
    ).toHaveCount(0);
  }

  // The report says who decided, and why.
  const report = await call('leo', `/reviews/campaigns/${campaign.id}/report`);
  for (const holder of holders) {
    expect(
      report.lines.find(
        (line: { holderRef: string }) =>
          line.holderRef === `user:default/${holder}`,
      ),
    ).toMatchObject({
      decision: 'revoke',
      decidedByRef: 'user:default/peggy',
      reason: 'No longer works with the network',
    });
  }

  // Revocation runs the offering's revoke template; the grants end.
  for (const holder of holders) {
    await expect(async () => {
      const query = new URLSearchParams({
        holderRef: `user:default/${holder}`,
        offeringRef,
      });
      const { items } = await call('leo', `/grants?${query}`);
      expect(
        items.some(
          (grant: { state: string; endReason?: string }) =>
            grant.state === 'revoking' ||
            (grant.state === 'ended' && grant.endReason === 'reviewed'),
        ),
      ).toBe(true);
      expect(
        items.some((grant: { state: string }) => grant.state === 'active'),
      ).toBe(false);
    }).toPass({ timeout: 30_000 });
  }

  // The campaign's report page shows the decisions.
  await page.goto(`/service-catalogue/reviews/campaigns/${campaign.id}`);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Download CSV' }),
  ).toBeVisible();
  const reported = page.getByRole('table', { name: 'Lines' });
  for (const holder of holders) {
    await expect(
      reported.getByRole('row').filter({ hasText: new RegExp(holder, 'i') }),
    ).toContainText('No longer works with the network');
  }
});
