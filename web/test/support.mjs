// Starts a real claimdb server (the binary cargo built) on ephemeral ports,
// with tokens made by its own CLI, and a headless Chromium driven by
// playwright-core. Nothing is mocked: the page speaks gRPC-Web to the server.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");
export const binary = process.env.CLAIMDB_BIN ?? path.join(root, "target/debug/claimdb");
export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Where the tests save screenshots of the main screens: web/test/out, or
// CLAIMDB_SCREENSHOTS (relative to web/), e.g. \`screenshots\` to refresh
// the ones the README shows.
export const screenshots = path.resolve(root, "web", process.env.CLAIMDB_SCREENSHOTS ?? "test/out");

/** The flags this machine's closed network needs (no background connections, no sandbox as root). */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export class Server {
  static async start(options = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), "claimdb-web-"));
    const db = options.db ?? path.join(dir, "claimdb.sqlite");
    const child = spawn(
      binary,
      ["serve", "--db", db, "--addr", "127.0.0.1:0", "--web", "127.0.0.1:0", ...(options.args ?? [])],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "info", CLAIMDB_LOG_FORMAT: "text" } },
    );
    let out = "";
    let log = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const serving = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 60_000);
      child.stderr.on("data", (chunk) => {
        log += chunk;
        const line = log.split("\n").find((candidate) => candidate.includes("claimdb serving"));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      child.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
    });
    const grpc = /\baddr=([0-9.:]+)/.exec(serving)[1];
    const web = /\bweb_addr="?([0-9.:]+)/.exec(serving)[1];
    // A first start prints the admin token on standard output, before it serves.
    const adminToken = async () => {
      for (let waited = 0; waited < 5000; waited += 20) {
        const line = out.split("\n").find((candidate) => candidate.startsWith("cdb_"));
        if (line) return line.trim();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    };
    return new Server(child, dir, db, grpc, web, options.db ? null : await adminToken());
  }

  constructor(child, dir, db, grpc, web, adminToken) {
    Object.assign(this, { child, dir, db, grpc, web, adminToken });
    this.url = `http://${web}/`;
  }

  /** A new token made by `claimdb token create`. */
  token(role, name) {
    return execFileSync(binary, ["token", "create", "--db", this.db, "--role", role, "--name", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  }

  /** Runs a client command of the CLI against this server, with `token`, and returns what it printed. */
  cli(token, ...args) {
    return execFileSync(binary, [...args, "--addr", `http://${this.grpc}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, CLAIMDB_TOKEN: token },
    });
  }

  /** Imports article files through the CLI (the admin's token). */
  importFiles(...files) {
    return this.cli(this.adminToken, "import", ...files);
  }

  /** An article file of the test's own in the server's scratch folder. */
  writeArticle(name, text) {
    const file = path.join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Headless Chromium; Playwright gives it a new, empty profile of its own each time. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

/** A signed-in page of the console; page errors fail the test that reads `errors`. */
export async function signIn(browser, server, token, viewport = { width: 1280, height: 800 }, contextOptions = {}) {
  const context = await browser.newContext({ viewport, ...contextOptions });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(server.url);
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("who").waitFor();
  return { page, context, errors };
}

export function screenshot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  return page.screenshot({ path: path.join(screenshots, `${name}.png`) });
}

const axeSource = path.join(root, "web/node_modules/axe-core/axe.min.js");

/** What axe-core (WCAG 2.1 A and AA rules) finds wrong with the page as it stands. */
export async function accessibilityProblems(page) {
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return result.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(" ")).join(", ")})`);
}
