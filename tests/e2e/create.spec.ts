import { expect, test } from '@playwright/test';
import { openCreatePage, signInAs } from './portal';

// Offering templates (spec.type service-catalogue) provision what a request
// was approved for; only the service catalogue runs them. frank leads the
// web team (team-leads own the "add a team member" delegated form); grace
// is an engineer on his team.

const offeringTemplates = [
  'VPN access',
  'Add a team member to a group',
  'Figma licence',
];

test('the Create page offers delegated forms but no offering template, whose forms stay on the offerings’ pages', async ({
  page,
  browser,
}) => {
  await signInAs(page, 'frank');
  await openCreatePage(page);
  await expect(
    page.getByText("Add a new team member to your team's group", {
      exact: true,
    }),
  ).toBeVisible();
  for (const title of offeringTemplates) {
    await expect(page.getByText(title, { exact: true })).toHaveCount(0);
  }

  const grace = await browser.newPage();
  await signInAs(grace, 'grace');
  await openCreatePage(grace);
  for (const title of offeringTemplates) {
    await expect(grace.getByText(title, { exact: true })).toHaveCount(0);
  }

  // The offering's request form is the same template's parameters.
  await grace.goto('/service-catalogue/offerings/default/vpn-access');
  await expect(
    grace.getByRole('textbox', { name: 'Justification' }),
  ).toBeVisible();
  await grace.close();
});
