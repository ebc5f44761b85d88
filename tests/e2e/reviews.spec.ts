import { expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// The network team (leo, peggy) owns vpn-access. quinn, mia and judy hold
// it through access the owner recorded; leo opens a review of the offering
// by hand, and peggy, his colleague, revokes quinn's and mia's in one
// decision and keeps judy's.

const api = `${backendUrl}/api/service-catalogue`;
const offeringRef = 'offering:default/vpn-access';

type GrantSummary = { id: string; state: string; endReason?: string };

async function grantsOf(holder: string): Promise<GrantSummary[]> {
  const query = new URLSearchParams({
    holderRef: `user:default/${holder}`,
    offeringRef,
  });
  return (await call('leo', `/grants?${query}`)).items;
}

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
  const keeper = 'judy';
  for (const holder of [...holders, keeper]) {
    // judy's access is kept, so a reused database may still hold it.
    if (!(await grantsOf(holder)).some(grant => grant.state === 'active')) {
      await call('leo', '/grants', {
        offeringRef,
        holderRef: `user:default/${holder}`,
      });
    }
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
  // Only this campaign's lines: a reused database has older ones.
  await page.goto(`/service-catalogue/reviews?campaignId=${campaign.id}`);
  await expect(page.getByRole('button', { name: /^Campaign/ })).toContainText(
    title,
  );
  await lines
    .getByRole('checkbox', { name: `Select ${keeper}, VPN access` })
    .check();
  await page.getByRole('button', { name: 'Keep', exact: true }).click();
  const keepDialog = page.getByRole('dialog', { name: 'Keep 1 line' });
  await keepDialog.getByRole('button', { name: 'Keep' }).click();
  await expect(keepDialog).toBeHidden();
  await expect(
    page.getByRole('status').filter({ hasText: 'Kept 1 line' }),
  ).toContainText(`${keeper}, VPN access: kept`);

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

  // Revoked once the revoke template ended the grant, which may not have
  // happened by the time the decision returns.
  const outcome = page
    .getByRole('status')
    .filter({ hasText: /(Revoked|Revocation started for) 2 lines/ });
  for (const holder of holders) {
    await expect(outcome).toContainText(
      new RegExp(`${holder}, VPN access: (revoked|revocation started)`),
    );
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

  // Revocation runs the offering's revoke template; the grants end. The
  // line's grant, not any of the holder's: a reused database has older ones.
  const lineOf = (holder: string) =>
    report.lines.find(
      (line: { holderRef: string }) =>
        line.holderRef === `user:default/${holder}`,
    );
  for (const holder of holders) {
    const { grantId } = lineOf(holder);
    await expect(async () => {
      const grant = (await grantsOf(holder)).find(g => g.id === grantId);
      expect(grant).toMatchObject({ state: 'ended', endReason: 'reviewed' });
    }).toPass({ timeout: 60_000 });
  }
  expect(lineOf(keeper)).toMatchObject({
    decision: 'keep',
    decidedByRef: 'user:default/peggy',
  });
  const kept = (await grantsOf(keeper)).find(
    g => g.id === lineOf(keeper).grantId,
  );
  expect(kept).toMatchObject({ state: 'active' });

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
