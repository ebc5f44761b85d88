import { Browser, Page, expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// Who is who in examples/org.yaml: grace (web-team) reports to frank; the
// network team (leo, peggy) owns the corporate VPN; platform-team (dave,
// erin) owns the virtual-machine offering.

/** A page of its own, signed in as the example user: a second person. */
async function personIn(browser: Browser, userName: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, userName);
  return page;
}

/** Submits the offering's form and returns the tracking number shown. */
async function submit(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Submit request' }).click();
  const status = page.getByRole('status').filter({ hasText: /submitted/ });
  await expect(status).toContainText(/Request REQ-\d{6} submitted/);
  return /REQ-\d{6}/.exec((await status.textContent()) ?? '')![0];
}

/** Approves a request from the approvals page, with a comment. */
async function approveFromApprovalsPage(
  page: Page,
  trackingNumber: string,
  comment: string,
) {
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: /Approvals/ })
    .click();
  const row = page.getByRole('row', { name: new RegExp(trackingNumber) });
  await row.getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog', {
    name: `Approve ${trackingNumber}`,
  });
  await dialog.getByRole('textbox', { name: 'Comment' }).fill(comment);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('row', { name: new RegExp(trackingNumber) }),
  ).toHaveCount(0);
}

async function stateInMyRequests(page: Page, trackingNumber: string) {
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'My requests' })
    .click();
  return page
    .getByRole('table', { name: 'My requests' })
    .getByRole('row', { name: new RegExp(trackingNumber) });
}

test('a requester submits, the owner approves in another browser, the requester sees it approved', async ({
  page,
  browser,
}) => {
  await signInAs(page, 'grace');
  await page.goto('/service-catalogue');
  await page.getByRole('link', { name: 'Virtual machine' }).click();
  await expect(
    page.getByRole('heading', { name: 'Virtual machine', level: 1 }),
  ).toBeVisible();
  // The owning team decides; grace is not among them.
  const stages = page.getByRole('list', { name: 'Approval stages' });
  await expect(
    stages.getByRole('link', { name: 'Dave Dimitrov' }),
  ).toBeVisible();

  await page.getByRole('textbox', { name: 'Host name' }).fill('grace-dev');
  const system = page.getByRole('textbox', {
    name: 'System the VM belongs to',
  });
  await system.click();
  await page.getByRole('option').first().click();
  const trackingNumber = await submit(page);

  const dave = await personIn(browser, 'dave');
  await approveFromApprovalsPage(dave, trackingNumber, 'Enjoy the VM');

  // Approved, and soon provisioned: the VM template runs right after.
  const row = await stateInMyRequests(page, trackingNumber);
  await expect(row).toContainText(/Approved|In progress|Done/);
  await row.getByRole('link', { name: trackingNumber }).click();
  await expect(page.getByRole('list', { name: 'Comments' })).toHaveCount(0);
  await expect(
    page.getByRole('list', { name: 'Decisions of stage 1' }),
  ).toContainText('Enjoy the VM');
  await dave.context().close();
});

test('a two-stage offering goes to the manager, then to the owner of the target, then the scaffolder provisions it', async ({
  page,
  browser,
}) => {
  await signInAs(page, 'grace');
  await page.goto('/service-catalogue/offerings/default/vpn-access');
  await page
    .getByRole('textbox', { name: 'Justification' })
    .fill('Working from home on Fridays');
  const trackingNumber = await submit(page);

  // The target's owners are not asked before the manager said yes.
  const leo = await personIn(browser, 'leo');
  await leo.goto('/service-catalogue/approvals');
  await expect(leo.getByRole('tab', { name: 'Waiting for me' })).toBeVisible();
  await expect(
    leo.getByRole('row', { name: new RegExp(trackingNumber) }),
  ).toHaveCount(0);

  const frank = await personIn(browser, 'frank');
  await approveFromApprovalsPage(frank, trackingNumber, 'Fine by me');

  // Stage 2 from the request's own page.
  await leo.goto(`/service-catalogue/requests/${trackingNumber}`);
  await leo.getByRole('button', { name: 'Approve' }).click();
  const dialog = leo.getByRole('dialog', {
    name: `Approve ${trackingNumber}`,
  });
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(dialog).toBeHidden();

  // Approved, then provisioned by the VPN template's steps in the
  // scaffolder, which the backend starts on its own within seconds.
  await expect(await stateInMyRequests(page, trackingNumber)).toContainText(
    /Approved|In progress|Done/,
  );
  await page.goto(`/service-catalogue/requests/${trackingNumber}`);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('Done', { exact: true })).toBeVisible({
      timeout: 3_000,
    });
  }).toPass({ timeout: 30_000 });
  // The requester reads the task's log through the service catalogue: it
  // passed the gate, then ran the VPN template's steps.
  const log = page.getByRole('list', { name: 'Task log' });
  await expect(log).toContainText('gate · completed');
  await expect(log).toContainText('grant · completed');
  await expect(
    page.getByRole('list', { name: 'Decisions of stage 1' }),
  ).toContainText('Frank Fischer');
  await expect(
    page.getByRole('list', { name: 'Decisions of stage 2' }),
  ).toContainText('Leo Lindqvist');
  await leo.context().close();
  await frank.context().close();
});

test('nobody approves their own request', async ({ page }) => {
  // leo is in network-team, which owns the VPN that vpn-access targets.
  await signInAs(page, 'leo');
  await page.goto('/service-catalogue/offerings/default/vpn-access');
  const stages = page.getByRole('list', { name: 'Approval stages' });
  await expect(
    stages.getByRole('link', { name: 'Peggy Petrova' }),
  ).toBeVisible();
  await expect(stages.getByRole('link', { name: 'Leo Lindqvist' })).toHaveCount(
    0,
  );
  await page
    .getByRole('textbox', { name: 'Justification' })
    .fill('On call for the network');
  const trackingNumber = await submit(page);

  await page.goto(`/service-catalogue/requests/${trackingNumber}`);
  await expect(
    page.getByRole('heading', { name: trackingNumber }),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: 'Cancel request' }),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // Trying anyway, as a script would, is refused with a reason.
  const response = await page.request.post(
    `${backendUrl}/api/service-catalogue/requests/${trackingNumber}/decisions`,
    {
      headers: { Authorization: `Bearer ${await tokenFor('leo')}` },
      data: { decision: 'approve' },
    },
  );
  expect(response.status()).toBe(403);
  expect((await response.json()).error.message).toBe(
    `You cannot approve your own request ${trackingNumber}`,
  );
});
