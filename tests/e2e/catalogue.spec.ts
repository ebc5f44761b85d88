import { expect, test } from '@playwright/test';
import { backendUrl, signInAs, tokenFor } from './portal';

// Who is who in examples/org.yaml: grace is a frontend engineer in web-team
// (under engineering), nina a financial analyst in finance.

test('an engineer sees the example offerings by category', async ({ page }) => {
  await signInAs(page, 'grace');

  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Service catalogue' })
    .click();

  const categories = page.getByRole('navigation', { name: 'Categories' });
  for (const title of ['Access', 'Software', 'Hardware', 'Workplace']) {
    await expect(categories.getByText(title, { exact: true })).toBeVisible();
  }

  // Offered to engineering only, and grace is in a child team of it.
  await expect(
    page.getByRole('heading', { name: 'GitHub organisation membership' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'New laptop' })).toBeVisible();
  // Not available: never shown.
  await expect(
    page.getByRole('heading', { name: 'VPN hardware token' }),
  ).toHaveCount(0);

  await categories.getByText('Network', { exact: true }).click();
  await expect(page).toHaveURL(
    /category=access%2Fnetwork|category=access\/network/,
  );
  await expect(page.getByRole('heading', { name: 'VPN access' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'New laptop' })).toHaveCount(
    0,
  );

  await categories.getByText('Hardware', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'New laptop' })).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'Mobile phone' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'VPN access' })).toHaveCount(
    0,
  );
});

test('keyword search narrows the cards', async ({ page }) => {
  await signInAs(page, 'grace');
  await page.goto('/service-catalogue');
  await page
    .getByRole('searchbox', { name: 'Search offerings' })
    .fill('licence');
  await expect(
    page.getByRole('heading', { name: 'Figma licence' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { name: 'New laptop' })).toHaveCount(
    0,
  );
});

test('someone outside an offering audience does not see it', async ({
  page,
}) => {
  await signInAs(page, 'nina');
  await page.goto('/service-catalogue');

  await expect(page.getByRole('heading', { name: 'New laptop' })).toBeVisible();
  await expect(
    page.getByRole('heading', { name: 'GitHub organisation membership' }),
  ).toHaveCount(0);
  await expect(
    page.getByRole('heading', { name: 'Virtual machine' }),
  ).toHaveCount(0);
});

test('a script gets a user token over HTTP and the API applies the audience', async () => {
  const titlesFor = async (userName: string) => {
    const response = await fetch(
      `${backendUrl}/api/service-catalogue/offerings`,
      {
        headers: { Authorization: `Bearer ${await tokenFor(userName)}` },
      },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    return body.items.map((item: { title: string }) => item.title);
  };

  expect(await titlesFor('ivan')).toContain(
    'Read access to the production orders database',
  );
  expect(await titlesFor('grace')).not.toContain(
    'Read access to the production orders database',
  );

  const anonymous = await fetch(
    `${backendUrl}/api/service-catalogue/offerings`,
  );
  expect(anonymous.status).toBe(401);

  const stranger = await fetch(`${backendUrl}/api/auth/demo/refresh`, {
    headers: { 'x-demo-user': 'nobody-here' },
  });
  expect(stranger.ok).toBe(false);
});
