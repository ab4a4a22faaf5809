// The reviewer console end to end: a real server, real tokens, the mission
// article imported by the CLI, and Chromium. Expectations come from reading
// the article, not from the program's output.

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { Server, accessibilityProblems, launchBrowser, root, screenshot, signIn } from "./support.mjs";

const MISSION = path.join(root, "../shared/articles/2022-01-01-biden-putin-call.txt");
// The hostile article: markup, a script and terminal escapes in its words.
const HOSTILE = `date 2024-05-02 LONDON •
The minister said <img src=x onerror="window.__pwned=1"> that 40,000 homes were built in 2023 <script>window.__pwned=2</script>.
The council said \u001b[2J\u001b]0;pwned\u0007 that rents rose by 12% in a year.
`;

// Claims whose words cannot stand alone: nobody in the article is "He" or "They".
const UNRESOLVED = `date 2024-05-03 PARIS •
He said the bridge would cost 4 billion euros.
They have built 300 homes since March.
`;

// Another fact-checker's verdict on one of the mission article's claims.
const FACT_CHECK = JSON.stringify({
  "@context": "https://schema.org",
  "@type": "ClaimReview",
  url: "https://checks.example/russia-troops-own-soil",
  claimReviewed: "Russia says it has the right to move its troops on its own soil as it likes",
  author: { "@type": "Organization", name: "Example Checks", url: "https://checks.example" },
  datePublished: "2022-01-03",
  reviewRating: { "@type": "Rating", alternateName: "Mostly True" },
});

let server;
let browser;
const tokens = {};

before(async () => {
  server = await Server.start();
  tokens.alice = server.token("reviewer", "alice");
  tokens.bob = server.token("reviewer", "bob");
  tokens.carol = server.token("reader", "carol");
  tokens.admin = server.adminToken;
  server.importFiles(MISSION);
  server.importFiles(server.writeArticle("hostile.txt", HOSTILE));
  server.importFiles(server.writeArticle("unresolved.txt", UNRESOLVED));
  server.cli(tokens.admin, "import", "--format", "claimreview", server.writeArticle("fact-check.json", FACT_CHECK));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The claim a console shows, as the CLI reads it from the server. */
function stored(name) {
  return JSON.parse(server.cli(tokens.admin, "claims", "show", name, "--json").trim().split("\n")[0]);
}

/** The sentence as the article has it: the marked text without the replacements shown beside it. */
async function sentenceAsWritten(page) {
  return page.getByTestId("sentence").evaluateAll((marks) =>
    marks
      .map((mark) => {
        const copy = mark.cloneNode(true);
        copy.querySelectorAll("ins, .rule").forEach((node) => node.remove());
        return copy.textContent;
      })
      .join(""),
  );
}

describe("the reviewer console", () => {
  test("a reviewer signs in and sees who they are; the token stays out of the URL", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    assert.match(await page.getByTestId("who").textContent(), /alice\s*Reviewer/);
    assert.ok(!page.url().includes(tokens.alice));
    assert.equal(await page.evaluate(() => sessionStorage.getItem("claimdb.token")), tokens.alice);
    await page.getByTestId("queue-count").filter({ hasText: /Queue: \d+ unreviewed/ }).waitFor();
    await screenshot(page, "sign-in-done");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a wrong token is refused with the server's reason", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel("Token").fill("cdb_not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Unauthenticated" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("claimdb.token")), null);
    await screenshot(page, "sign-in");
    await context.close();
  });

  test("the next claim shows its sentence highlighted in the article and each rewrite in place", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    await page.getByLabel("Only claims matching").fill('speaker = "Russia"');
    await page.keyboard.press("Escape");
    await page.keyboard.press("n");
    await page.getByTestId("sentence").first().waitFor();
    const text = await page.getByTestId("claim-text").textContent();
    assert.ok(
      ["Russia denies planning to attack Ukraine.", "Russia says it has the right to move its troops on its own soil as it likes."].includes(text),
      text,
    );
    assert.equal(
      await sentenceAsWritten(page),
      "Moscow denies planning to attack Ukraine and says it has the right to move its troops on its own soil as it likes.",
    );
    // "Moscow" stands struck through, with "Russia" beside it and the rule.
    const rewrite = page.locator('[data-testid="sentence"] .rewrite').first();
    assert.equal(await rewrite.locator("del").textContent(), "Moscow");
    assert.equal(await rewrite.locator("ins").textContent(), "Russia");
    assert.equal(await rewrite.locator(".rule").textContent(), "metonym");
    assert.match(await page.getByTestId("rewrites").textContent(), /Moscow → Russia \(metonym\)/);
    assert.match(await page.getByTestId("claim-state").textContent(), /held by alice/);
    await screenshot(page, "queue");
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a reload keeps the claim held, and next gives it back to the queue", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    await page.keyboard.press("n");
    await page.getByTestId("claim-text").waitFor();
    const first = (await page.locator(".claim .name").textContent()).split(" ")[0];
    await page.reload();
    await page.locator(".claim .name").filter({ hasText: first }).waitFor();
    assert.match(await page.getByTestId("claim-state").textContent(), /held by alice/);
    await page.keyboard.press("n");
    await page.waitForFunction((name) => {
      const shownName = document.querySelector(".claim .name")?.textContent.split(" ")[0];
      return shownName !== undefined && shownName !== name;
    }, first);
    const second = (await page.locator(".claim .name").textContent()).split(" ")[0];
    assert.notEqual(second, first);
    assert.equal(stored(first).leaseHolder ?? "", "");
    assert.equal(stored(second).leaseHolder, "alice");
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a claim that keeps words it cannot resolve is flagged as needing context", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    await page.getByLabel("Only claims matching").fill("needs_context = true");
    await page.getByRole("button", { name: "Next claim (n)" }).click();
    await page.getByTestId("needs-context").waitFor();
    const text = await page.getByTestId("claim-text").textContent();
    assert.ok(["He said the bridge would cost 4 billion euros.", "They have built 300 homes since March."].includes(text), text);
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a previously checked claim is shown beside a new one, and its verdict taken in one click", async () => {
    // Alice checks Mr Putin's warning of "a rupture in ties" ...
    const alice = await signIn(browser, server, tokens.alice);
    await alice.page.getByLabel("Only claims matching").fill('speaker = "Vladimir Putin"');
    await alice.page.getByRole("button", { name: "Next claim (n)" }).click();
    await alice.page.getByTestId("claim-text").filter({ hasText: "rupture in ties" }).waitFor();
    await alice.page.keyboard.press("2");
    await alice.page.getByLabel("Rationale").fill("The Kremlin's readout says so.");
    await alice.page.keyboard.press("Control+Enter");
    await alice.page.getByTestId("submitted").waitFor();
    // ... then Bob is handed Mr Ushakov's account of the same warning.
    const bob = await signIn(browser, server, tokens.bob);
    await bob.page.getByLabel("Only claims matching").fill('speaker = "Yuri Ushakov" AND checkworthiness >= 0.7');
    await bob.page.getByRole("button", { name: "Next claim (n)" }).click();
    await bob.page.getByTestId("claim-text").filter({ hasText: "complete breakdown in ties" }).waitFor();
    const match = bob.page.getByTestId("similar").filter({ hasText: "rupture in ties" });
    assert.match(await match.textContent(), /Mostly true — alice \(here\)/);
    await match.getByRole("button", { name: "Use “Mostly true”" }).click();
    assert.equal(await bob.page.locator('button[data-verdict="MOSTLY_TRUE"]').getAttribute("aria-pressed"), "true");
    assert.match(await bob.page.getByLabel("Rationale").inputValue(), /^Same claim as claims\/\d+: .*rupture in ties/);
    await screenshot(bob.page, "previously-checked");
    await bob.page.getByRole("button", { name: "Submit (Ctrl+Enter)" }).click();
    await bob.page.getByTestId("submitted").waitFor();
    assert.deepEqual([...alice.errors, ...bob.errors], []);
    await alice.context.close();
    await bob.context.close();
  });

  test("an imported fact-check is shown with its publisher, rating and page, and its verdict can be taken", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.bob);
    await page.getByLabel("Only claims matching").fill('speaker = "Russia"');
    await page.getByRole("button", { name: "Next claim (n)" }).click();
    // Of Russia's two claims (equally check-worthy), the later one comes first.
    await page.getByTestId("claim-text").filter({ hasText: "Russia says it has the right to move its troops" }).waitFor();
    const match = page.getByTestId("similar").filter({ hasText: "Example Checks" });
    assert.match(await match.textContent(), /Mostly true — Example Checks: “Mostly True”/);
    assert.equal(await match.getByRole("link", { name: "review" }).getAttribute("href"), "https://checks.example/russia-troops-own-soil");
    await match.getByRole("button", { name: "Use “Mostly true”" }).click();
    assert.equal(await page.getByLabel("Evidence URLs").inputValue(), "https://checks.example/russia-troops-own-soil");
    assert.match(await page.getByLabel("Rationale").inputValue(), /Example Checks rated it “Mostly True”/);
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a verdict is given by keyboard alone and stored as given", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    await page.keyboard.press("n");
    await page.getByTestId("claim-text").waitFor();
    const name = (await page.locator(".claim .name").textContent()).split(" ")[0];
    await page.keyboard.press("5");
    assert.equal(await page.locator('button[data-verdict="FALSE"]').getAttribute("aria-pressed"), "true");
    // A URL the server would refuse is caught before sending.
    await page.getByLabel("Rationale").fill("The report says otherwise.");
    await page.getByLabel("Evidence URLs").fill("ftp://example.org/file");
    await page.keyboard.press("Control+Enter");
    assert.match(await page.getByTestId("form-error").textContent(), /not an absolute http\(s\) URL/);
    await page.getByLabel("Evidence URLs").fill("https://example.org/report");
    await page.keyboard.press("Control+Enter");
    await page.getByTestId("submitted").waitFor();
    const claim = stored(name);
    assert.equal(claim.verdict, "FALSE");
    assert.equal(claim.lastReviewer, "alice");
    const reviews = server.cli(tokens.admin, "reviews", "list", name, "--json");
    assert.match(reviews, /The report says otherwise\./);
    assert.match(reviews, /https:\/\/example\.org\/report/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a claim changed under the reviewer is shown as it is now, and the verdict asked for again", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.alice);
    await page.keyboard.press("n");
    await page.getByTestId("claim-text").waitFor();
    const name = (await page.locator(".claim .name").textContent()).split(" ")[0];
    await page.keyboard.press("1");
    await page.getByLabel("Rationale").fill("Matches the transcript.");
    // Alice corrects the claim elsewhere (the CLI) while this page has it open.
    const before = stored(name);
    server.cli(tokens.alice, "claims", "edit", name, "--etag", before.etag, "--text", "A corrected text.");
    await page.getByTestId("changed").waitFor();
    await page.keyboard.press("Control+Enter");
    await page.getByTestId("form-error").filter({ hasText: "changed since you opened it" }).waitFor();
    assert.equal(await page.getByTestId("claim-text").textContent(), "A corrected text.");
    await screenshot(page, "stale-etag");
    // The form kept the verdict and rationale: submitting again saves them.
    await page.keyboard.press("Control+Enter");
    await page.getByTestId("submitted").waitFor();
    const after = stored(name);
    assert.equal(after.verdict, "TRUE");
    assert.equal(after.text, "A corrected text.");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a correction shows what changes before it is saved, and lands in the claim's history", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.bob);
    await page.keyboard.press("n");
    await page.getByTestId("claim-text").waitFor();
    const name = (await page.locator(".claim .name").textContent()).split(" ")[0];
    const speaker = stored(name).speaker;
    await page.keyboard.press("e");
    await page.getByLabel("Speaker").fill("A corrected speaker");
    const diff = await page.getByTestId("diff").textContent();
    assert.equal(diff, `speaker: ${speaker} → A corrected speaker`);
    await page.getByRole("button", { name: "Save the correction" }).click();
    await page.getByTestId("notice").filter({ hasText: `Corrected speaker of ${name}` }).waitFor();
    assert.equal(stored(name).speaker, "A corrected speaker");
    const history = server.cli(tokens.admin, "claims", "show", name, "--json");
    assert.match(history, /A corrected speaker/);
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a second reviewer's verdict arrives live, with no reload", async () => {
    const alice = await signIn(browser, server, tokens.alice);
    const bob = await signIn(browser, server, tokens.bob);
    await alice.page.keyboard.press("n");
    await alice.page.getByTestId("claim-text").waitFor();
    const name = (await alice.page.locator(".claim .name").textContent()).split(" ")[0];
    const countBefore = await bob.page.getByTestId("queue-count").textContent();
    await bob.page.goto(`${server.url}#claims/${name.split("/")[1]}`);
    await bob.page.getByTestId("claim-state").filter({ hasText: "held by alice" }).waitFor();
    await bob.page.evaluate(() => (window.__notReloaded = true));
    await alice.page.keyboard.press("7");
    await alice.page.getByLabel("Rationale").fill("No source can settle it.");
    await alice.page.keyboard.press("Control+Enter");
    await alice.page.getByTestId("submitted").waitFor();
    await bob.page.getByTestId("claim-state").filter({ hasText: "Unverifiable by alice" }).waitFor();
    assert.equal(await bob.page.evaluate(() => window.__notReloaded), true);
    await bob.page.waitForFunction((before) => document.querySelector('[data-testid="queue-count"]').textContent !== before, countBefore);
    await bob.page.getByTestId("article-body").waitFor();
    await bob.page.locator('[data-testid="similar"], [data-testid="no-similar"]').first().waitFor();
    await screenshot(bob.page, "claim-history");
    assert.deepEqual([...alice.errors, ...bob.errors], []);
    await alice.context.close();
    await bob.context.close();
  });

  test("search with a filter finds only what both ask for", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.carol);
    await page.keyboard.press("b");
    await page.getByLabel("Words").fill("troops");
    await page.getByLabel("Filter").fill("kind = STATISTIC");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText(/claims? shown/).waitFor();
    const results = await page.getByTestId("results").locator("li").allTextContents();
    assert.ok(results.length >= 1);
    for (const result of results) {
      assert.match(result, /troops/i);
      assert.match(result, /Statistic/);
    }
    // The mission article's troop figure: "60,000 to 90,000 Russian troops".
    assert.ok(results.some((result) => result.includes("60,000 to 90,000 Russian troops")));
    await page.getByLabel("Filter").fill("kind = NOT_A_KIND");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByTestId("notice").filter({ hasText: "InvalidArgument" }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a reader can read but not review", async () => {
    const { page, context } = await signIn(browser, server, tokens.carol);
    assert.match(await page.getByTestId("who").textContent(), /carol\s*Reader/);
    await page.getByTestId("cannot-review").waitFor();
    assert.equal(await page.getByRole("button", { name: "Next claim (n)" }).isDisabled(), true);
    await page.keyboard.press("n");
    await page.getByTestId("notice").filter({ hasText: "cannot take claims" }).waitFor();
    assert.equal(await page.getByTestId("claim-text").count(), 0);
    // Nor can a reader's token call AcquireClaim by itself.
    const refused = await page.evaluate(async () => {
      const response = await fetch("/claimdb.v1.ReviewService/AcquireClaim", {
        method: "POST",
        headers: {
          "content-type": "application/grpc-web+proto",
          "x-grpc-web": "1",
          authorization: `Bearer ${sessionStorage.getItem("claimdb.token")}`,
        },
        body: new Uint8Array([0, 0, 0, 0, 0]),
      });
      return response.headers.get("grpc-status");
    });
    assert.equal(refused, "7"); // PERMISSION_DENIED
    await context.close();
  });

  test("a hostile article renders as inert text", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.carol);
    await page.goto(`${server.url}#browse?filter=${encodeURIComponent('article = "articles/2"')}`);
    await page.getByTestId("results").locator("li a").first().click();
    await page.getByTestId("article-body").waitFor();
    const body = await page.getByTestId("article-body").textContent();
    assert.ok(body.includes('<img src=x onerror="window.__pwned=1">'), body);
    assert.ok(body.includes("<script>window.__pwned=2</script>"), body);
    // Terminal escapes show as the symbols of their characters (ESC as ␛, BEL as ␇).
    assert.ok(body.includes("said \u241b[2J\u241b]0;pwned\u2407 that rents"), body);
    assert.equal(await page.locator("main img, main script").count(), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("admins see the statistics and the audit log; reviewers have no such views", async () => {
    const admin = await signIn(browser, server, tokens.admin);
    await admin.page.getByRole("link", { name: "Stats" }).click();
    const queue = await admin.page.getByTestId("stats-queue").textContent();
    assert.match(queue, /Final \(given here\)\s*[1-9]/);
    assert.match(queue, /Imported fact-checks\s*1/);
    await screenshot(admin.page, "stats");
    await admin.page.getByRole("link", { name: "Audit" }).click();
    await admin.page.getByTestId("audit").locator("tr").first().waitFor();
    assert.match(await admin.page.getByTestId("audit").textContent(), /SubmitReview/);
    await admin.context.close();
    const alice = await signIn(browser, server, tokens.alice);
    assert.equal(await alice.page.getByRole("link", { name: "Stats" }).count(), 0);
    await alice.context.close();
  });

  test("the main screens pass axe-core's WCAG 2.1 AA checks", async () => {
    // The policy refuses injected scripts, rightly; this page lets axe in.
    const { page, context } = await signIn(browser, server, tokens.admin, undefined, { bypassCSP: true });
    const problems = {};
    problems.queue = await accessibilityProblems(page);
    await page.keyboard.press("n");
    await page.getByTestId("sentence").first().waitFor();
    await page.locator('[data-testid="similar"], [data-testid="no-similar"]').first().waitFor();
    problems.claim = await accessibilityProblems(page);
    await page.keyboard.press("?");
    problems.help = await accessibilityProblems(page);
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Release (r)" }).click();
    await page.getByText("Released").first().waitFor();
    await page.keyboard.press("b");
    await page.getByText(/claims? shown/).waitFor();
    problems.browse = await accessibilityProblems(page);
    await page.getByRole("link", { name: "Stats" }).click();
    await page.getByTestId("stats-queue").waitFor();
    problems.stats = await accessibilityProblems(page);
    await page.getByRole("link", { name: "Audit" }).click();
    await page.getByTestId("audit").locator("tr").first().waitFor();
    problems.audit = await accessibilityProblems(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Token").waitFor();
    problems.signIn = await accessibilityProblems(page);
    assert.deepEqual(problems, { queue: [], claim: [], help: [], browse: [], stats: [], audit: [], signIn: [] });
    await context.close();
  });

  test("on a 390-pixel phone screen nothing runs off the side", async () => {
    const { page, context, errors } = await signIn(browser, server, tokens.bob, { width: 390, height: 844 });
    await page.keyboard.press("n");
    await page.getByTestId("sentence").first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await screenshot(page, "phone");
    await page.keyboard.press("?");
    assert.equal(await page.locator("dialog#help").isVisible(), true);
    await screenshot(page, "help");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
