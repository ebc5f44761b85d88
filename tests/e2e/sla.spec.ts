import { expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// In CI the Priority policy promises a resolution within two seconds
// (tests/app-config.ci.yaml), so a password reset the desk raises is
// breached by the time anyone looks at the queue.

const api = `${backendUrl}/api/service-catalogue`;

test('the desk sees a breached request marked in its queue, alone under "Breached SLA only", and on its page', async ({
  page,
}) => {
  const ken = await tokenFor('ken');
  const raised = await fetch(`${api}/requests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${ken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      offeringRef: 'offering:default/password-reset',
      forUser: 'user:default/nina',
      formValues: { account: 'sso', verification: 'in-person' },
    }),
  });
  expect(raised.status).toBe(201);
  const request = await raised.json();
  expect(request.sla).toMatchObject({ policyTitle: 'Priority' });
  const tracking: string = request.trackingNumber;

  // The backend says breached once the two seconds are over.
  await expect
    .poll(async () => {
      const res = await fetch(`${api}/queue?breached=true&limit=100`, {
        headers: { authorization: `Bearer ${ken}` },
      });
      const body = await res.json();
      return body.items.map(
        (r: { trackingNumber: string }) => r.trackingNumber,
      );
    })
    .toContain(tracking);

  await signInAs(page, 'ken');
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Desk queue' })
    .click();
  const queue = page.getByRole('table', { name: 'Desk queue' });
  await expect(queue).toBeVisible();

  await page.getByRole('button', { name: /Show/ }).click();
  await page.getByRole('option', { name: 'Breached SLA only' }).click();
  const row = queue.getByRole('row', { name: new RegExp(tracking) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Breached')).toBeVisible();
  await expect(row).toContainText('was due');
  // Every row of this view is breached.
  const rows = queue.getByRole('row').filter({ hasText: /REQ-\d{6}/ });
  await expect(rows.filter({ hasNotText: 'Breached' })).toHaveCount(0);

  await row.getByRole('link', { name: tracking }).click();
  await expect(page.getByRole('heading', { name: tracking })).toBeVisible();
  await expect(page.getByText('Breached').first()).toBeVisible();
  await expect(page.getByText('Priority', { exact: true })).toBeVisible();
});
