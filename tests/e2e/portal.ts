import { Page, expect } from '@playwright/test';

/** Where the backend answers; the demo's token endpoint lives there. */
export const backendUrl = process.env.BACKEND_URL ?? 'http://localhost:7007';

/**
 * Signs in through the demo sign-in page by picking the example user, the
 * way a person trying the demo does.
 */
export async function signInAs(page: Page, userName: string) {
  await page.goto('/');
  const users = page.getByRole('list', { name: 'Example users' });
  await expect(users).toBeVisible();
  await users
    .getByRole('button', { name: new RegExp(`\\(${userName}\\)`) })
    .click();
  // The portal's home is the service catalogue.
  await expect(page).toHaveURL(/\/service-catalogue/);
  await expect(
    page.getByRole('navigation', { name: 'Categories' }),
  ).toBeVisible();
}

/** A user token for an example user, as a script would get one. */
export async function tokenFor(userName: string): Promise<string> {
  const response = await fetch(`${backendUrl}/api/auth/demo/refresh`, {
    headers: { 'x-demo-user': userName },
  });
  if (!response.ok) {
    throw new Error(
      `sign-in as ${userName} failed: ${
        response.status
      } ${await response.text()}`,
    );
  }
  const body = await response.json();
  return body.backstageIdentity.token;
}

/**
 * Opens the Create page and waits until it has read the templates from the
 * catalog, so that a test can tell a template it does not list from one it
 * has not loaded yet.
 */
export async function openCreatePage(page: Page) {
  // Since Backstage 1.57 the list is a POST to entities/by-query with the
  // filter in its body; requests with limit 0 only count.
  const templatesRead = page.waitForResponse(response => {
    if (
      !response.ok() ||
      !response.url().includes('/api/catalog/entities/by-query')
    ) {
      return false;
    }
    const body = response.request().postData();
    if (!body) {
      return false;
    }
    const { query, limit } = JSON.parse(body);
    return query?.kind === 'template' && limit !== 0;
  });
  await page.goto('/create');
  await templatesRead;
  await expect(page.getByRole('progressbar')).toHaveCount(0);
}
