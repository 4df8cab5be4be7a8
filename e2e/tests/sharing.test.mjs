// Browser tests of sharing between organisations (/delen).
//
// 1. Tilburg's regisseur opens a shared case under the demo's RIEC covenant with the RIEC as
//    participant and offers three items: one for the participants, one kept for Tilburg
//    (TLP:AMBER+STRICT) and one that will stay unapproved. A fourth, TLP:RED for every party to
//    the covenant, is refused (422, the error summary names the field) and nothing is added.
//    Tilburg's privacy officer approves the first two. The RIEC analyst then sees exactly the one
//    item shared with the participants; Breda (and the police, a party to the covenant that does
//    not take part in the case) get "not found".
// 2. Tilburg's privacy officer opens the covenant from /delen: active, four parties with their
//    legal basis and the dates they signed. Tilburg's regisseur asks the police for a hit/no-hit
//    run over six KvK numbers (plus one bad line, named and left out on the 200 answer); the
//    police see the question, answer with a list holding three of the six, and see the run
//    finished without any hits; Tilburg then sees three hits and, opened, exactly those three
//    numbers. On the exchange page the privacy officer sees the organisation's public keys and
//    fingerprint (and no receive form); the regisseur, who has one, uploads a file that is not a
//    package and gets 422 with the Dutch "unreadable package" message.
//
// Both tests share one Baken (started fresh, so the limit of 10 runs per organisation per 24 h
// is no concern); each user signs in in a fresh browser context. axe runs on every page visited,
// the 422 and 404 pages included.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  checkA11y,
  expectVisible,
  launchBrowser,
  loginAs,
  newContext,
  startBaken,
  visit,
} from './helpers.mjs';

/** The demo's covenant (crates/baken/src/demo.rs, load_sharing_demo). */
const COVENANT = 'RIEC-convenant Zeeland-West-Brabant';

/** The data categories that covenant covers, in the order Baken lists them. */
const COVENANT_CATEGORIES = ['identificerend', 'adres', 'onderneming', 'financieel', 'signaal', 'maatregelen'];

/** A suffix that makes this run's titles unique. */
const RUN = `E2E-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

const CASE_TITLE = `Casus overdracht RIEC ${RUN}`;

/** The items Tilburg offers, by their role in the test. */
const ITEMS = {
  shared: {
    titel: `Voor de deelnemers ${RUN}`,
    inhoud: `Het pand wordt 's nachts gebruikt als opslag; twee meldingen van omwonenden. (${RUN}-gedeeld)`,
    categorie: 'adres',
    verspreiding: 'deelnemers',
    tlp: 'amber',
  },
  own: {
    titel: `Alleen Tilburg ${RUN}`,
    inhoud: `Interne afweging: een Bibob-toets bij de volgende aanvraag. (${RUN}-eigen)`,
    categorie: 'signaal',
    verspreiding: 'organisatie',
    tlp: 'amber-strict',
  },
  pending: {
    titel: `Nog niet goedgekeurd ${RUN}`,
    inhoud: `Twee ondernemingen op hetzelfde adres; KvK-gegevens volgen. (${RUN}-wacht)`,
    categorie: 'onderneming',
    verspreiding: 'deelnemers',
    tlp: 'amber',
  },
  refused: {
    titel: `Te ruim verspreid ${RUN}`,
    inhoud: `Dit mag niet naar alle partijen bij het convenant. (${RUN}-geweigerd)`,
    categorie: 'financieel',
    verspreiding: 'convenant',
    tlp: 'red',
  },
};

const MINIMISATION = 'Alleen wat het RIEC nodig heeft om de casus te wegen, zonder namen.';

/** The parties to the demo covenant, in the order the covenant page lists them (by name). */
const MUNICIPAL_BASIS = 'Art. 6 lid 1 sub e AVG; Gemeentewet art. 172 (openbare orde); Wet Bibob';
const COVENANT_PARTIES = [
  ['Gemeente Breda', MUNICIPAL_BASIS, 'burgemeester'],
  ['Gemeente Tilburg', MUNICIPAL_BASIS, 'burgemeester'],
  [
    'Politie Zeeland-West-Brabant',
    'Wet politiegegevens art. 20 en 24c; RIEC-convenant',
    'politiechef eenheid Zeeland-West-Brabant',
  ],
  [
    'RIEC Zeeland-West-Brabant',
    'Art. 6 lid 1 sub e AVG; RIEC-convenant en privacyprotocol RIEC-LIEC',
    'voorzitter stuurgroep RIEC',
  ],
];

/** Ten KvK numbers (8 digits) unique to this run: `kvk(0)` … `kvk(9)`. */
const KVK_BASE = 1_000_000 + (Date.now() % 9_000_000);
const kvk = (i) => String(KVK_BASE * 10 + i);

/** Tilburg's list: six numbers; the police hold three of them (0, 2 and 4) and four others. */
const TILBURG_KVK = [0, 1, 2, 3, 4, 5].map(kvk);
const POLICE_KVK = [6, 0, 7, 2, 8, 4, 9].map(kvk);
const COMMON_KVK = [0, 2, 4].map(kvk);

/** Tilburg's file: the six numbers with a bad line ("1234", line 4) among them. */
const BAD_LINE = 4;
const TILBURG_FILE = [...TILBURG_KVK.slice(0, 3), '1234', ...TILBURG_KVK.slice(3)].join('\n') + '\n';

/** Dutch labels (crates/baken-web/locales/nl/main.ftl). */
const NL = {
  covenantActive: 'Actief', // delen-covenant-actief
  notSigned: 'Nog niet ondertekend', // delen-not-signed
  sign: 'Ondertekenen namens uw organisatie', // delen-sign
  noMatches: 'Er zijn nog geen hit/no-hit-vragen van of aan uw organisatie.', // delen-no-matches
  partner: 'Partner', // delen-partner
  covenant: 'Convenant', // delen-covenant
  kind: 'Soort nummer', // delen-kind
  ownList: 'Eigen lijst: één nummer per regel, of de eerste kolom van een CSV-bestand', // delen-own-list
  askSubmit: 'Vergelijking aanvragen', // delen-ask-submit
  ask: 'Hit/no-hit vragen', // delen-ask
  answer: 'Beantwoorden', // delen-answer
  matchAsked: 'Gevraagd', // delen-match-gevraagd
  matchFinished: 'Afgerond', // delen-match-afgerond
  showHits: 'Toon de hits', // delen-show-hits
  receive: 'Pakket ontvangen', // delen-receive
  packageFile: 'Pakketbestand', // delen-package-file
  receiveSubmit: 'Pakket inlezen', // delen-receive-submit
  packageUnreadable:
    'Het pakket is niet te lezen: het is geen uitwisselingspakket van Baken, of het is beschadigd.', // delen-package-onleesbaar
};

/** An uploaded file for `setInputFiles`. */
const upload = (name, mimeType, text) => ({ name, mimeType, buffer: Buffer.from(text, 'utf8') });

/** Waits for a navigation to a URL matching `test` started by `action`, then checks a11y. */
async function navigate(page, test, action, label) {
  await Promise.all([page.waitForURL(test), action()]);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
}

/**
 * Submits a form whose answer stays on (or returns to) the same path, and returns the response
 * to the POST to `pathname`. Then waits until `ready` (a locator that only the new page has) is
 * visible, so that the next checks, axe included, see the new document and not the old one.
 */
async function submitAndWait(page, pathname, button, ready, label) {
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === pathname,
    ),
    button.click(),
  ]);
  await expectVisible(ready, `${label}: the page that follows`);
  await page.waitForLoadState('load');
  await checkA11y(page, label);
  return response;
}

/** Runs `fn(page)` with `email` signed in, in a fresh browser context (no shared cookies). */
async function asUser(browser, baseURL, email, fn) {
  const context = await newContext(browser, baseURL);
  try {
    const page = await context.newPage();
    await loginAs(page, email);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** The text the user sees on the page. */
async function pageText(page) {
  return page.locator('body').innerText();
}

describe('Baken: sharing between organisations (/delen)', () => {
  let server;
  let browser;
  /** When this Baken was started (the demo covenant is signed during its start-up). */
  let startedAt;

  before(async () => {
    startedAt = Date.now();
    server = await startBaken();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shares a case with the RIEC, approves two of three items and shows the RIEC only the shared one', async (t) => {
    const itemIds = {};
    let caseId;
    let casePath;

    // ----- Tilburg's regisseur: open the case and offer the items. -----
    await asUser(browser, server.baseURL, 'regisseur@tilburg.demo', async (page) => {
      await visit(page, '/delen', 'sharing overview (Tilburg regisseur)');
      await expectVisible(page.getByRole('heading', { level: 1, name: 'Delen', exact: true }));
      const covenantRow = page.locator('tr[data-covenant]').filter({ hasText: COVENANT });
      assert.equal(await covenantRow.count(), 1, 'the demo covenant is listed');
      assert.equal(await covenantRow.locator('[data-status]').getAttribute('data-status'), 'actief');

      const form = page.locator('form[action="/delen/casussen"]');
      await expectVisible(form, 'the new-case form');
      const covenantSelect = form.getByLabel('Convenant', { exact: true });
      const covenantValue = await covenantSelect
        .locator('option')
        .filter({ hasText: COVENANT })
        .getAttribute('value');
      await covenantSelect.selectOption(covenantValue);
      await form.getByLabel('Naam van de casus', { exact: true }).fill(CASE_TITLE);
      await form.getByLabel('Fenomeen', { exact: true }).fill('vastgoed');
      await form.locator('input[name="deelnemers"][value="riec-zwb"]').check();

      const caseRe = /^\/delen\/casussen\/(\d+)$/;
      await navigate(
        page,
        (url) => caseRe.test(url.pathname),
        () => form.getByRole('button', { name: 'Casus openen', exact: true }).click(),
        'new shared case page',
      );
      caseId = caseRe.exec(new URL(page.url()).pathname)[1];
      casePath = `/delen/casussen/${caseId}`;
      t.diagnostic(`shared case ${caseId}: ${CASE_TITLE}`);
      assert.equal((await page.locator('h1[data-case-title]').innerText()).trim(), CASE_TITLE);
      const participants = await page
        .locator('li[data-participant]')
        .evaluateAll((lis) => lis.map((li) => li.dataset.participant).sort());
      assert.deepEqual(participants, ['riec-zwb', 'tilburg'], 'Tilburg and the RIEC take part');
      await expectVisible(page.locator('[data-no-items]'), 'nothing shared yet');

      // The share form offers only what the covenant covers.
      const share = page.locator(`form[action="${casePath}/items"]`);
      await expectVisible(share, 'the share form');
      const categories = await share
        .getByLabel('Gegevenscategorie', { exact: true })
        .locator('option')
        .evaluateAll((os) => os.map((o) => o.value));
      assert.deepEqual(categories, COVENANT_CATEGORIES, 'the categories are those of the covenant');
      // Every field of the share form is found by its label (the label's `for` must point at
      // the field: an id the page uses twice, like the main region's, leaves it unlabelled).
      for (const label of ['Titel', 'Inhoud', 'Doel', 'Gegevenscategorie', 'Verspreiding', 'TLP']) {
        if ((await share.getByLabel(label, { exact: true }).count()) === 1) continue;
        const target = await share
          .locator('label')
          .filter({ hasText: new RegExp(`^${label}$`) })
          .getAttribute('for');
        const sameId = await page
          .locator(`[id="${target}"]`)
          .evaluateAll((es) => es.map((e) => `<${e.tagName.toLowerCase()}>`));
        assert.fail(
          `the share form has no field labelled "${label}": its label points at id "${target}", ` +
            `which the page gives to ${sameId.join(', ')}`,
        );
      }

      const fillShare = async (item) => {
        await share.getByLabel('Titel', { exact: true }).fill(item.titel);
        await share.getByLabel('Inhoud', { exact: true }).fill(item.inhoud);
        await share.getByLabel('Doel', { exact: true }).selectOption('integrale-casus');
        await share.getByLabel('Gegevenscategorie', { exact: true }).selectOption(item.categorie);
        await share.getByLabel('Verspreiding', { exact: true }).selectOption(item.verspreiding);
        await share.getByLabel('TLP', { exact: true }).selectOption(item.tlp);
        await share
          .getByLabel('Dataminimalisatie: waarom is dit nodig, en niet meer?', { exact: true })
          .fill(MINIMISATION);
      };
      const submitButton = share.getByRole('button', { name: 'Ter goedkeuring aanbieden', exact: true });

      for (const key of ['shared', 'own', 'pending']) {
        const item = ITEMS[key];
        await fillShare(item);
        const article = page.locator('article[data-item]').filter({ hasText: item.titel });
        const response = await submitAndWait(
          page,
          `${casePath}/items`,
          submitButton,
          article,
          `case page after sharing "${key}"`,
        );
        assert.equal(response.status(), 303, `the item "${key}" is accepted for approval`);
        assert.equal(await article.count(), 1, `the item "${key}" is listed once`);
        assert.equal(await article.getAttribute('data-status'), 'ter-goedkeuring', `"${key}" waits for approval`);
        assert.equal((await article.locator('[data-content]').innerText()).trim(), item.inhoud);
        itemIds[key] = await article.getAttribute('data-item');
      }
      assert.equal(await page.locator('article[data-item]').count(), 3, 'three items offered');
      t.diagnostic(`items: ${JSON.stringify(itemIds)}`);

      // TLP:RED for every party to the covenant: refused, the summary names the TLP field.
      await fillShare(ITEMS.refused);
      const summary = page.locator('[data-error-summary]');
      const refused = await submitAndWait(
        page,
        `${casePath}/items`,
        submitButton,
        summary,
        'case page with the share refused (422)',
      );
      assert.equal(refused.status(), 422, 'TLP:RED to the whole covenant is refused');
      const fields = await summary
        .locator('li[data-field]')
        .evaluateAll((lis) => lis.map((li) => li.dataset.field));
      assert.deepEqual(fields, ['tlp'], `the error summary names the TLP field: ${await summary.innerText()}`);
      const why = await summary.innerText();
      assert.ok(why.includes("TLP red staat verspreiding 'convenant' niet toe"), why);
      assert.equal(await page.locator('article[data-item]').count(), 3, 'nothing was added (422 page)');
      assert.ok(!(await pageText(page)).includes(ITEMS.refused.inhoud), 'the refused content is not listed');

      // And the case, read again, still has the three items only.
      await visit(page, casePath, 'case page after the refusal');
      const ids = await page
        .locator('article[data-item]')
        .evaluateAll((as) => as.map((a) => a.dataset.item));
      assert.deepEqual(ids, [itemIds.shared, itemIds.own, itemIds.pending], 'nothing was added');
      assert.ok(!(await pageText(page)).includes(ITEMS.refused.titel), 'the refused item is not listed');
    });

    // ----- Tilburg's privacy officer: approve the first two, leave the third. -----
    await asUser(browser, server.baseURL, 'privacy@tilburg.demo', async (page) => {
      await visit(page, '/delen', 'sharing overview (Tilburg privacy officer)');
      const pending = page.locator('li[data-pending]');
      for (const key of ['shared', 'own', 'pending']) {
        assert.equal(
          await page.locator(`li[data-pending="${itemIds[key]}"]`).count(),
          1,
          `"${key}" waits for the privacy officer: ${JSON.stringify(await pending.allInnerTexts())}`,
        );
      }
      const link = page.locator(`li[data-pending="${itemIds.shared}"]`).getByRole('link');
      assert.equal((await link.innerText()).trim(), `${CASE_TITLE}: ${ITEMS.shared.titel}`);
      await navigate(
        page,
        (url) => url.pathname === casePath,
        () => link.click(),
        'case page (privacy officer)',
      );

      for (const key of ['shared', 'own']) {
        const article = page.locator(`article[data-item="${itemIds[key]}"]`);
        assert.equal(await article.getAttribute('data-status'), 'ter-goedkeuring');
        const decide = article.getByRole('form', { name: `Besluit over ${ITEMS[key].titel}`, exact: true });
        await expectVisible(decide, `the decision form of "${key}"`);
        const response = await submitAndWait(
          page,
          `${casePath}/items/${itemIds[key]}/besluit`,
          decide.getByRole('button', { name: 'Goedkeuren', exact: true }),
          page.locator(`article[data-item="${itemIds[key]}"][data-status="gedeeld"]`),
          `case page after approving "${key}"`,
        );
        assert.equal(response.status(), 303, `"${key}" is approved`);
      }

      const statuses = await page
        .locator('article[data-item]')
        .evaluateAll((as) => as.map((a) => [a.dataset.item, a.dataset.status]));
      assert.deepEqual(statuses, [
        [itemIds.shared, 'gedeeld'],
        [itemIds.own, 'gedeeld'],
        [itemIds.pending, 'ter-goedkeuring'],
      ]);
      const third = page.locator(`article[data-item="${itemIds.pending}"]`);
      assert.equal(await third.locator('button[name="besluit"]').count(), 2, 'the third still waits for a decision');
      for (const key of ['shared', 'own']) {
        assert.equal(
          await page.locator(`article[data-item="${itemIds[key]}"] form`).count(),
          0,
          `"${key}" is decided and has no decision form`,
        );
      }
    });

    // ----- The RIEC analyst: sees the case, and in it only the item shared with participants. -----
    await asUser(browser, server.baseURL, 'analist@riec-zwb.demo', async (page) => {
      await visit(page, '/delen', 'sharing overview (RIEC analyst)');
      const row = page.locator(`tr[data-case="${caseId}"]`);
      await expectVisible(row, 'the case in the RIEC list');
      const link = row.getByRole('link', { name: CASE_TITLE, exact: true });
      await navigate(
        page,
        (url) => url.pathname === casePath,
        () => link.click(),
        'case page (RIEC analyst)',
      );
      assert.equal((await page.locator('h1[data-case-title]').innerText()).trim(), CASE_TITLE);

      const articles = page.locator('article[data-item]');
      assert.equal(await articles.count(), 1, 'the RIEC sees exactly one item');
      assert.equal(await articles.getAttribute('data-item'), itemIds.shared);
      assert.equal(await articles.getAttribute('data-status'), 'gedeeld');
      assert.ok((await articles.locator('h3').innerText()).includes(ITEMS.shared.titel));
      assert.equal((await articles.locator('[data-content]').innerText()).trim(), ITEMS.shared.inhoud);

      const text = await pageText(page);
      for (const key of ['own', 'pending', 'refused']) {
        assert.ok(!text.includes(ITEMS[key].titel), `the RIEC does not see the title of "${key}"`);
        assert.ok(!text.includes(ITEMS[key].inhoud), `the RIEC does not see the content of "${key}"`);
      }
      assert.ok(!text.includes('Alleen Tilburg'), 'no "Alleen Tilburg" on the RIEC page');
      assert.ok(!text.includes('Nog niet goedgekeurd'), 'no "Nog niet goedgekeurd" on the RIEC page');
      t.diagnostic(`RIEC sees item ${itemIds.shared} only`);
    });

    // ----- Breda, and the police (a party that does not take part): not found. -----
    for (const email of ['regisseur@breda.demo', 'partner@politie-zwb.demo']) {
      await asUser(browser, server.baseURL, email, async (page) => {
        await visit(page, '/delen', `sharing overview (${email})`);
        assert.equal(await page.locator(`tr[data-case="${caseId}"]`).count(), 0, `${email} does not list the case`);
        assert.ok(!(await pageText(page)).includes(CASE_TITLE), `${email} does not see the case title`);

        const response = await visit(page, casePath, `shared case refused to ${email} (404)`);
        assert.equal(response.status(), 404, `${email} gets 404`);
        await expectVisible(page.getByRole('heading', { level: 1, name: 'Niet gevonden' }));
        const text = await pageText(page);
        assert.ok(!text.includes(CASE_TITLE), `${email} does not see the case title`);
        for (const item of Object.values(ITEMS)) {
          assert.ok(!text.includes(item.titel), `${email} does not see "${item.titel}"`);
          assert.ok(!text.includes(item.inhoud), `${email} does not see the content of "${item.titel}"`);
        }
      });
    }
  });

  it('shows the covenant, runs hit/no-hit between Tilburg and the police, and refuses a file that is not a package', async (t) => {
    // ----- Tilburg's privacy officer: the covenant, from /delen. -----
    await asUser(browser, server.baseURL, 'privacy@tilburg.demo', async (page) => {
      await visit(page, '/delen', 'sharing overview (Tilburg privacy officer, covenant)');
      const link = page.getByRole('link', { name: COVENANT, exact: true });
      assert.equal(await link.count(), 1, 'one link to the demo covenant');
      const covenantRe = /^\/delen\/convenanten\/(\d+)$/;
      await navigate(page, (url) => covenantRe.test(url.pathname), () => link.click(), 'covenant page');
      t.diagnostic(`covenant page: ${new URL(page.url()).pathname}`);
      await expectVisible(page.getByRole('heading', { level: 1, name: COVENANT, exact: true }));

      const status = page.locator('dd[data-status]');
      assert.equal(await status.getAttribute('data-status'), 'actief');
      assert.equal((await status.innerText()).trim(), NL.covenantActive, 'the status label is "Actief"');

      const parties = page.getByRole('table', { name: 'Partijen', exact: true });
      await expectVisible(parties, 'the table of parties');
      const rows = await parties
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
      assert.equal(rows.length, 4, `four parties: ${JSON.stringify(rows)}`);
      assert.deepEqual(
        rows.map(([name, basis, signatory]) => [name, basis, signatory]),
        COVENANT_PARTIES,
        'each party with its legal basis and signatory',
      );
      // Every party signed while the demo was loaded, i.e. after this Baken was started.
      for (const [name, , , signed] of rows) {
        assert.notEqual(signed, NL.notSigned, `${name} signed`);
        assert.match(signed, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, `${name}: a signing date`);
        const at = Date.parse(`${signed.replace(' ', 'T')}Z`);
        assert.ok(
          at >= startedAt - 2_000 && at <= Date.now() + 2_000,
          `${name} signed at ${signed} (UTC), while this Baken started`,
        );
      }
      assert.equal(
        await page.getByRole('button', { name: NL.sign, exact: true }).count(),
        0,
        'Tilburg has signed: no sign button',
      );
    });

    // ----- Tilburg's regisseur: ask the police for a hit/no-hit run. -----
    let runId;
    await asUser(browser, server.baseURL, 'regisseur@tilburg.demo', async (page) => {
      await visit(page, '/delen/matches', 'hit/no-hit page (Tilburg, before asking)');
      await expectVisible(page.getByText(NL.noMatches, { exact: true }), 'no runs yet');

      const form = page.getByRole('form', { name: NL.ask, exact: true });
      await expectVisible(form, 'the ask form');
      await form.getByLabel(NL.partner, { exact: true }).selectOption('politie-zwb');
      const covenantSelect = form.getByLabel(NL.covenant, { exact: true });
      const covenantValue = await covenantSelect
        .locator('option')
        .filter({ hasText: COVENANT })
        .getAttribute('value');
      await covenantSelect.selectOption(covenantValue);
      await form.getByLabel(NL.kind, { exact: true }).selectOption('kvk');
      await form
        .getByLabel(NL.ownList, { exact: true })
        .setInputFiles(upload('tilburg-kvk.txt', 'text/plain', TILBURG_FILE));

      const rejected = page.locator('[data-rejected]');
      const asked = await submitAndWait(
        page,
        '/delen/matches',
        form.getByRole('button', { name: NL.askSubmit, exact: true }),
        rejected,
        'hit/no-hit page after asking, with a line left out',
      );
      assert.equal(asked.status(), 200, 'the run is asked; the answer names the line left out');
      const lines = await rejected
        .locator('li[data-line]')
        .evaluateAll((lis) => lis.map((li) => li.dataset.line));
      assert.deepEqual(lines, [String(BAD_LINE)], `only line ${BAD_LINE} is left out: ${await rejected.innerText()}`);

      const runs = page.locator('article[data-match]');
      assert.equal(await runs.count(), 1, 'one run');
      runId = await runs.getAttribute('data-match');
      t.diagnostic(`hit/no-hit run ${runId}: Tilburg asks the police about ${TILBURG_KVK.join(', ')}`);
      assert.equal(await runs.getAttribute('data-status'), 'gevraagd');
      const text = await runs.innerText();
      assert.ok(text.includes(`Gevraagd aan Politie Zeeland-West-Brabant`), text);
      assert.ok(text.includes(`Status: ${NL.matchAsked}`), text);
      assert.ok(text.includes('Aantal gevraagd: 6'), `six numbers asked: ${text}`);
      assert.equal(await runs.locator('[data-hits]').count(), 0, 'no hits before the answer');
      assert.equal(await runs.getByRole('form').count(), 0, 'the asker cannot answer its own run');
    });

    // ----- The police: see the question, answer with their own list, learn no hits. -----
    await asUser(browser, server.baseURL, 'partner@politie-zwb.demo', async (page) => {
      await visit(page, '/delen/matches', 'hit/no-hit page (police, the question)');
      const run = page.locator(`article[data-match="${runId}"]`);
      await expectVisible(run, 'the question from Tilburg');
      assert.equal(await run.getAttribute('data-status'), 'gevraagd');
      const question = await run.innerText();
      assert.ok(question.includes('Gevraagd door Gemeente Tilburg'), question);

      const answer = run.getByRole('form', { name: `${NL.answer} ${runId}`, exact: true });
      await expectVisible(answer, 'the answer form');
      await answer
        .getByLabel(NL.ownList, { exact: true })
        .setInputFiles(upload('politie-kvk.txt', 'text/plain', POLICE_KVK.join('\n') + '\n'));
      const response = await submitAndWait(
        page,
        `/delen/matches/${runId}/antwoord`,
        answer.getByRole('button', { name: NL.answer, exact: true }),
        page.locator(`article[data-match="${runId}"][data-status="afgerond"]`),
        'hit/no-hit page (police, after answering)',
      );
      assert.equal(response.status(), 303, 'the answer is taken');

      const text = await run.innerText();
      assert.ok(text.includes(`Status: ${NL.matchFinished}`), `the run is finished: ${text}`);
      assert.ok(text.includes('Aantal gevraagd: 6'), text);
      assert.equal(await run.getByRole('form').count(), 0, 'nothing left to answer');
      assert.equal(await page.locator('[data-hits]').count(), 0, 'the police get no hit count');
      assert.equal(await page.locator('[data-hit-list]').count(), 0, 'the police get no hit list');
      assert.equal(await page.getByText(NL.showHits).count(), 0, 'the police get no hits to show');
      const all = await pageText(page);
      for (const n of [...TILBURG_KVK, ...POLICE_KVK]) {
        assert.ok(!all.includes(n), `the police page does not show ${n}`);
      }
    });

    // ----- Tilburg's regisseur: three hits, and exactly the three common numbers. -----
    await asUser(browser, server.baseURL, 'regisseur@tilburg.demo', async (page) => {
      await visit(page, '/delen/matches', 'hit/no-hit page (Tilburg, finished)');
      const run = page.locator(`article[data-match="${runId}"]`);
      await expectVisible(run, 'the run');
      assert.equal(await run.getAttribute('data-status'), 'afgerond');
      const text = await run.innerText();
      assert.ok(text.includes(`Status: ${NL.matchFinished}`), text);
      assert.ok(text.includes('Aantal in de lijst van de gevraagde organisatie: 7'), text);
      assert.equal(await run.locator('[data-hits="3"]').count(), 1, `three hits: ${text}`);

      const summary = run.locator('details > summary').filter({ hasText: NL.showHits });
      assert.equal(
        await summary.count(),
        1,
        `the finished run offers "${NL.showHits}" (a <details> with [data-hit-list]): ${text}`,
      );
      await summary.click();
      const hits = run.locator('[data-hit-list] li');
      await expectVisible(hits, 'the hits, opened');
      await checkA11y(page, 'hit/no-hit page (Tilburg, hits shown)');
      const shown = (await hits.allInnerTexts()).map((s) => s.trim()).sort();
      assert.deepEqual(shown, [...COMMON_KVK].sort(), 'exactly the three numbers both hold');
    });

    // ----- The exchange page: keys and fingerprint; a file that is not a package is refused. -----
    let keys;
    await asUser(browser, server.baseURL, 'privacy@tilburg.demo', async (page) => {
      await visit(page, '/delen/uitwisseling', 'exchange page (Tilburg privacy officer)');
      keys = {
        text: (await page.locator('[data-public-keys]').innerText()).trim(),
        fingerprint: (await page.locator('[data-fingerprint]').innerText()).trim(),
      };
      t.diagnostic(`Tilburg's keys: ${keys.text} (${keys.fingerprint})`);
      assert.ok(keys.text.startsWith('ed25519:'), keys.text);
      assert.match(keys.text, /^ed25519:[A-Za-z0-9+/]{43}= x25519:[A-Za-z0-9+/]{43}=$/);
      assert.match(keys.fingerprint, /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
      assert.equal(
        await page.getByRole('form', { name: NL.receive, exact: true }).count(),
        0,
        'a privacy officer has no receive form',
      );
    });

    await asUser(browser, server.baseURL, 'regisseur@tilburg.demo', async (page) => {
      await visit(page, '/delen/uitwisseling', 'exchange page (Tilburg regisseur)');
      assert.equal((await page.locator('[data-public-keys]').innerText()).trim(), keys.text, 'the same keys');
      assert.equal((await page.locator('[data-fingerprint]').innerText()).trim(), keys.fingerprint);
      const packagesBefore = await page.locator('li[data-package]').count();

      const form = page.getByRole('form', { name: NL.receive, exact: true });
      await expectVisible(form, 'the receive form');
      await form
        .getByLabel(NL.packageFile, { exact: true })
        .setInputFiles(upload('geen-pakket.json', 'application/json', '{"formaat":"iets anders"}'));
      const summary = page.locator('[data-error-summary]');
      const response = await submitAndWait(
        page,
        '/delen/uitwisseling/ontvangen',
        form.getByRole('button', { name: NL.receiveSubmit, exact: true }),
        summary,
        'exchange page with the file refused (422)',
      );
      assert.equal(response.status(), 422, 'a file that is not a package is refused');
      assert.equal((await summary.innerText()).trim(), NL.packageUnreadable);
      const fields = await summary
        .locator('li[data-field]')
        .evaluateAll((lis) => lis.map((li) => li.dataset.field));
      assert.deepEqual(fields, ['pakket']);
      assert.equal(await page.locator('[data-received]').count(), 0, 'nothing was read in');
      assert.equal(await page.locator('li[data-package]').count(), packagesBefore, 'no package was added');
    });
  });
});
