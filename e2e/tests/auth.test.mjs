// Browser tests of signing in and out, the language switch, administration and access control.
// One Baken server (with demo data) for this file; a new browser context for every test.

import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import {
  DEMO_PASSWORD,
  checkA11y,
  expectVisible,
  launchBrowser,
  login,
  loginAs,
  newContext,
  startBaken,
  visit,
} from './helpers.mjs';

/** Clicks something that navigates, waits for the new page to load, and checks its a11y. */
async function clickAndLoad(page, locator, label) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
  await checkA11y(page, label);
}

/** The ids in an aria-describedby attribute, resolved to the text they point at. */
async function describedByText(page, input) {
  const ids = (await input.getAttribute('aria-describedby')) ?? '';
  assert.notEqual(ids.trim(), '', 'the input has no aria-describedby');
  const texts = [];
  for (const id of ids.trim().split(/\s+/)) {
    const target = page.locator(`[id="${id}"]`);
    assert.equal(await target.count(), 1, `aria-describedby points at a missing id "${id}"`);
    texts.push(await target.innerText());
  }
  return texts.join('\n');
}

describe('Baken: signing in, language, administration, access', () => {
  let server;
  let browser;
  let context;
  let page;

  before(async () => {
    server = await startBaken();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    context = await newContext(browser, server.baseURL);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  it('logs an analyst in and out', async () => {
    // Not signed in: / leads to the Dutch login page.
    await visit(page, '/', 'login page (redirected from /)');
    assert.equal(new URL(page.url()).pathname, '/inloggen');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Inloggen' }));

    await login(page, 'analist@tilburg.demo');
    await checkA11y(page, 'home page (analyst)');
    assert.equal(new URL(page.url()).pathname, '/');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Start' }));
    await expectVisible(
      page.getByRole('banner').getByText('Gemeente Tilburg'),
      'organisation name in the header',
    );

    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    await expectVisible(nav, 'main navigation');
    assert.equal(await nav.getByRole('link', { name: 'Zicht', exact: true }).count(), 1);
    assert.equal(await nav.getByRole('link', { name: 'Beheer' }).count(), 0, 'analyst sees Beheer');
    assert.equal(await nav.getByRole('link', { name: 'Audit' }).count(), 0, 'analyst sees Audit');

    // An analyst works on cases shared under a covenant, so Delen is offered.
    assert.equal(await nav.getByRole('link', { name: 'Delen', exact: true }).count(), 1, 'analyst misses Delen');

    // A capability is reached from the navigation.
    await clickAndLoad(page, nav.getByRole('link', { name: 'Over de grens', exact: true }), 'Cross-border page');
    assert.equal(new URL(page.url()).pathname, '/grens');
    await expectVisible(
      page.getByRole('heading', { name: 'Over de grens', level: 1 }),
      'the cross-border heading',
    );

    // Signing out returns to the login page with a notice.
    await clickAndLoad(
      page,
      page.getByRole('button', { name: 'Uitloggen', exact: true }),
      'login page after logout',
    );
    assert.equal(new URL(page.url()).pathname, '/inloggen');
    await expectVisible(
      page.getByRole('status').filter({ hasText: 'U bent uitgelogd.' }),
      'the signed-out notice',
    );

    // The session is gone: / redirects to the login page again.
    await visit(page, '/', 'login page (redirected from / after logout)');
    assert.equal(new URL(page.url()).pathname, '/inloggen');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Inloggen' }));
  });

  it('rejects a wrong password and an empty form with clear messages', async () => {
    await visit(page, '/inloggen', 'login page');

    // A wrong password.
    await page.getByLabel('E-mailadres', { exact: true }).fill('analist@tilburg.demo');
    await page.getByLabel('Wachtwoord', { exact: true }).fill('Dit-is-niet-het-wachtwoord');
    await clickAndLoad(
      page,
      page.getByRole('button', { name: 'Inloggen', exact: true }),
      'login page after a wrong password',
    );
    assert.equal(new URL(page.url()).pathname, '/inloggen');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Inloggen' }));
    const alert = page.getByRole('alert');
    await expectVisible(alert, 'an alert');
    assert.match(await alert.innerText(), /Het e-mailadres of het wachtwoord klopt niet\./);
    assert.equal(
      await page.getByLabel('E-mailadres', { exact: true }).inputValue(),
      'analist@tilburg.demo',
      'the e-mail address stays filled in',
    );
    assert.equal(await page.getByLabel('Wachtwoord', { exact: true }).inputValue(), '');

    // An empty form: each field gets its own error, tied to the input.
    await page.getByLabel('E-mailadres', { exact: true }).fill('');
    await clickAndLoad(
      page,
      page.getByRole('button', { name: 'Inloggen', exact: true }),
      'login page after an empty submit',
    );
    assert.equal(new URL(page.url()).pathname, '/inloggen');
    await expectVisible(page.getByRole('alert'), 'an error summary');

    const fields = [
      ['E-mailadres', 'Vul uw e-mailadres in.'],
      ['Wachtwoord', 'Vul uw wachtwoord in.'],
    ];
    for (const [label, message] of fields) {
      const input = page.getByLabel(label, { exact: true });
      assert.equal(await input.getAttribute('aria-invalid'), 'true', `${label}: aria-invalid`);
      const described = await describedByText(page, input);
      assert.ok(
        described.includes(message),
        `${label}: aria-describedby text ${JSON.stringify(described)} lacks ${JSON.stringify(message)}`,
      );
    }
  });

  it('switches to English and back, and shows the audit chain to the privacy officer', async () => {
    await visit(page, '/inloggen', 'login page (Dutch)');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');

    await clickAndLoad(page, page.getByRole('link', { name: /^EN/ }), 'login page (English)');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Sign in' }));

    await login(page, 'privacy@tilburg.demo', DEMO_PASSWORD, {
      email: 'E-mail address',
      password: 'Password',
      submit: 'Sign in',
    });
    await checkA11y(page, 'home page (English, privacy officer)');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    const nav = page.getByRole('navigation', { name: 'Main menu' });
    const auditLink = nav.getByRole('link', { name: 'Audit', exact: true });
    await expectVisible(auditLink, 'the Audit link in the main menu');
    await clickAndLoad(page, auditLink, 'audit page (English)');
    assert.equal(new URL(page.url()).pathname, '/audit');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Audit chain' }));

    const table = page.getByRole('table');
    await expectVisible(table, 'the audit table');
    const caption = await table.locator('caption').innerText();
    assert.ok(caption.includes('Audit records'), `caption ${JSON.stringify(caption)}`);
    const loginRows = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'auth.login', exact: true }) });
    assert.ok((await loginRows.count()) >= 1, 'no audit row with the action auth.login');

    await clickAndLoad(page, page.getByRole('link', { name: /^NL/ }), 'audit page (Dutch)');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    assert.equal(new URL(page.url()).pathname, '/audit');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Auditketen' }));
  });

  it('lets an administrator list and create users of the own organisation', async () => {
    await loginAs(page, 'beheerder@breda.demo');
    const nav = page.getByRole('navigation', { name: 'Hoofdmenu' });
    await clickAndLoad(page, nav.getByRole('link', { name: 'Beheer', exact: true }), 'admin page');
    assert.equal(new URL(page.url()).pathname, '/beheer');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Beheer' }));

    const users = page.getByRole('table', { name: /Gebruikers van uw organisatie/ });
    await expectVisible(users, 'the users table');
    const emailsOf = async () => {
      const rows = users.locator('tbody').getByRole('row');
      const emails = [];
      for (const row of await rows.all()) {
        emails.push((await row.getByRole('cell').nth(1).innerText()).trim());
      }
      return emails;
    };
    const emails = await emailsOf();
    assert.equal(emails.length, 7, `users: ${emails.join(', ')}`);
    for (const email of emails) {
      assert.ok(email.endsWith('@breda.demo'), `user of another organisation listed: ${email}`);
    }

    // Create a user.
    const form = page.getByRole('region', { name: 'Nieuwe gebruiker' });
    await expectVisible(form, 'the "Nieuwe gebruiker" section');
    await form.getByLabel('E-mailadres', { exact: true }).fill('nieuw@breda.demo');
    await form.getByLabel('Naam', { exact: true }).fill('Nieuwe Collega');
    await form.getByRole('checkbox', { name: 'Analist', exact: true }).check();
    await form.getByLabel('Eerste wachtwoord', { exact: true }).fill('fiets-regen-Breda-42');
    await clickAndLoad(
      page,
      form.getByRole('button', { name: 'Gebruiker aanmaken', exact: true }),
      'admin page after creating a user',
    );
    await expectVisible(
      page.getByRole('status').filter({ hasText: 'De gebruiker is aangemaakt.' }),
      'the user-created notice',
    );
    const newRow = page
      .getByRole('table', { name: /Gebruikers van uw organisatie/ })
      .getByRole('row')
      .filter({ hasText: 'nieuw@breda.demo' });
    await expectVisible(newRow, 'the new user in the table');
    assert.match(await newRow.innerText(), /Nieuwe Collega/);
    assert.match(await newRow.innerText(), /Analist/);
    assert.equal((await emailsOf()).length, 8);

    // A weak password is refused with an explanation tied to the field.
    const form2 = page.getByRole('region', { name: 'Nieuwe gebruiker' });
    await form2.getByLabel('E-mailadres', { exact: true }).fill('zwak@breda.demo');
    await form2.getByLabel('Naam', { exact: true }).fill('Zwakke Collega');
    await form2.getByRole('checkbox', { name: 'Analist', exact: true }).check();
    await form2.getByLabel('Eerste wachtwoord', { exact: true }).fill('kort');
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/beheer/gebruikers',
      ),
      clickAndLoad(
        page,
        form2.getByRole('button', { name: 'Gebruiker aanmaken', exact: true }),
        'admin page after a weak password',
      ),
    ]);
    assert.equal(response.status(), 422);
    await expectVisible(page.getByRole('alert'), 'an error summary');
    const password = page
      .getByRole('region', { name: 'Nieuwe gebruiker' })
      .getByLabel('Eerste wachtwoord', { exact: true });
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    const described = await describedByText(page, password);
    assert.ok(
      described.includes('minstens 12 tekens'),
      `password error ${JSON.stringify(described)} does not mention "minstens 12 tekens"`,
    );
    assert.equal(
      await page.getByRole('table', { name: /Gebruikers van uw organisatie/ })
        .getByRole('row').filter({ hasText: 'zwak@breda.demo' }).count(),
      0,
      'the user with a weak password was created anyway',
    );
  });

  it("hides another organisation's user and refuses the audit page to a reader", async () => {
    await loginAs(page, 'beheerder@breda.demo');
    // User 1 is the first demo user, of Gemeente Tilburg.
    const notFound = await visit(page, '/beheer/gebruikers/1', "another organisation's user");
    assert.equal(notFound.status(), 404);
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Niet gevonden' }));
    assert.equal(await page.getByText('tilburg.demo').count(), 0, 'a Tilburg address is shown');

    // A reader of Tilburg has no access to the audit chain.
    const readerContext = await newContext(browser, server.baseURL);
    try {
      const reader = await readerContext.newPage();
      await loginAs(reader, 'lezer@tilburg.demo');
      const forbidden = await visit(reader, '/audit', 'audit page as a reader');
      assert.equal(forbidden.status(), 403);
      await expectVisible(reader.getByRole('heading', { level: 1, name: 'Geen toegang' }));
    } finally {
      await readerContext.close();
    }
  });
});
