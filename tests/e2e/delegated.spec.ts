import { expect, test } from '@playwright/test';
import { backendUrl, openCreatePage, signInAs, tokenFor } from './portal';

// frank leads the web team (and is in team-leads) and manages grace; dave
// leads the platform team but is not grace's manager; mia's security team
// owns the team-membership offering and approves it.

async function api(
  user: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${backendUrl}/api${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      Authorization: `Bearer ${await tokenFor(user)}`,
      'Content-Type': 'application/json',
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

/** Runs the delegated form as a user, and waits for the task to end. */
async function runForm(user: string, values: object) {
  const created = await api(user, '/scaffolder/v2/tasks', {
    templateRef: 'template:default/add-team-member',
    values,
  });
  if (created.status !== 201) {
    return { status: created.status, task: undefined };
  }
  let task: any;
  await expect(async () => {
    task = (await api(user, `/scaffolder/v2/tasks/${created.body.id}`)).body;
    expect(['completed', 'failed']).toContain(task.status);
  }).toPass({ timeout: 30_000 });
  return { status: created.status, task };
}

test('only team leads see their delegated form, and a lead raises a membership for their report that is provisioned after approval', async ({
  page,
  browser,
}) => {
  const form = "Add a new team member to your team's group";

  await signInAs(page, 'grace');
  await openCreatePage(page);
  await expect(page.getByText(form, { exact: true })).toHaveCount(0);

  const lead = await browser.newPage();
  await signInAs(lead, 'frank');
  await lead.goto('/create');
  await expect(lead.getByText(form, { exact: true })).toBeVisible();
  // The desk's own delegated form is not the team leads'.
  await expect(
    lead.getByText('Assign a Figma licence to a colleague', { exact: true }),
  ).toHaveCount(0);
  await lead.close();

  const values = {
    colleague: 'user:default/grace',
    group: 'group:default/web-team',
    startDate: '2026-12-01',
    justification: 'Joins the web team',
  };
  // Someone who does not see the form cannot run it either.
  expect((await runForm('grace', values)).status).toBe(404);
  // A lead who is not grace's manager runs it, and the backend refuses.
  const byOtherLead = await runForm('dave', values);
  expect(byOtherLead.task.status).toBe('failed');

  const { task } = await runForm('frank', values);
  expect(task.status).toBe('completed');
  const requests = await api('grace', '/service-catalogue/requests');
  const raised = requests.body.items.find(
    (r: any) =>
      r.offeringRef === 'offering:default/team-membership' &&
      r.submittedByRef === 'user:default/frank',
  );
  expect(raised).toMatchObject({
    requesterRef: 'user:default/grace',
    state: 'PENDING_APPROVAL',
  });

  const decided = await api(
    'mia',
    `/service-catalogue/requests/${raised.trackingNumber}/decisions`,
    { decision: 'approve' },
  );
  expect(decided.status).toBe(200);
  // The team-membership template puts grace on the group's demo access list.
  await expect(async () => {
    const list = await api('grace', '/demo-access-lists/group-web-team');
    expect(list.body.members).toContain('user:default/grace');
  }).toPass({ timeout: 30_000 });
});
