// Time to interactive and time from "next" to the claim shown, in headless
// Chromium, against a large database and, in the same run and alternating
// with it, a baseline database of the mission article alone (30 claims).
//
//   CLAIMDB_BIN=../target/release/claimdb node bench/console.mjs /tmp/claimdb-bench.sqlite [rounds] [nexts]
//
// The large database is any claimdb database (benches/list_search.rs makes
// one of 1,000,000 claims). Outside CI; figures go to BENCHMARKS.md.

import path from "node:path";
import { Server, launchBrowser, root } from "../test/support.mjs";

const [bigDb, roundsArg, nextsArg] = process.argv.slice(2);
if (!bigDb) {
  console.error("usage: node bench/console.mjs DATABASE [rounds] [nexts per round]");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 5);
const nexts = Number(nextsArg ?? 20);

const small = await Server.start();
small.importFiles(path.join(root, "../shared/articles/2022-01-01-biden-putin-call.txt"));
const big = await Server.start({ db: bigDb, args: ["--skip-check"] });
const servers = { baseline: small, large: big };
const tokens = { baseline: small.token("reviewer", "bench"), large: big.token("reviewer", `bench-${Date.now()}`) };
const browser = await launchBrowser();
const results = { baseline: { signIn: [], ready: [], next: [] }, large: { signIn: [], ready: [], next: [] } };

async function measure(which) {
  const server = servers[which];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByLabel("Token").waitFor();
  results[which].signIn.push(await page.evaluate(() => performance.getEntriesByName("sign-in-ready")[0].startTime));
  await page.getByLabel("Token").fill(tokens[which]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor();
  // A returning reviewer: the token is in the tab's session; reload.
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName("console-ready").length === 1);
  results[which].ready.push(await page.evaluate(() => performance.getEntriesByName("console-ready")[0].startTime));
  for (let i = 0; i < nexts; i++) {
    await page.keyboard.press("n");
    await page.waitForFunction((count) => performance.getEntriesByName("next-claim").length === count, i + 1);
    results[which].next.push(await page.evaluate((index) => performance.getEntriesByName("next-claim")[index].duration, i));
    await page.keyboard.press("r");
    await page.getByText("Released").first().waitFor();
  }
  await context.close();
}

for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ["baseline", "large"] : ["large", "baseline"];
  for (const which of order) await measure(which);
}
await browser.close();
await small.stop();
await big.stop();

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const row = (label, key) => {
  const [b, l] = [results.baseline[key], results.large[key]];
  const [bm, lm] = [quantile(b, 0.5), quantile(l, 0.5)];
  return `| ${label} | ${b.length} | ${bm.toFixed(1)} / ${quantile(b, 0.95).toFixed(1)} | ${lm.toFixed(1)} / ${quantile(l, 0.95).toFixed(1)} | ${(lm / bm).toFixed(2)} |`;
};
console.log(`| ms, median / p95 | samples each | baseline (30 claims) | ${path.basename(bigDb)} | ratio of medians |`);
console.log("| --- | --- | --- | --- | --- |");
console.log(row("sign-in form ready (first load)", "signIn"));
console.log(row("queue ready, signed in (reload)", "ready"));
console.log(row("next → claim and highlighted sentence shown", "next"));
