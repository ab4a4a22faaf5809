// The reviewer console: sign in with a token, work the queue, give
// verdicts by keyboard, browse and search, see history, and (admins) the
// statistics and the audit log. Every call is the public gRPC API.

import { Code, ConnectError, articles, claims, codeOf, describe, reviews, session } from "./api.js";
import {
  VERDICTS,
  articleView,
  claimCard,
  claimId,
  historyView,
  similarItem,
  stateLine,
  verdictWords,
  when,
  words,
} from "./claim.js";
import { append, h, isHttpUrl, replace } from "./dom.js";
import type { Article } from "./gen/claimdb/v1/articles_pb.js";
import {
  ClaimEvent_Type,
  Claim_Kind,
  Verdict,
  type Claim,
  type ClaimEvent,
  type SimilarClaim,
} from "./gen/claimdb/v1/claims_pb.js";
import { Caller_Role, type Caller } from "./gen/claimdb/v1/reviews_pb.js";

const MAX_EVIDENCE_URLS = 20;
const MAX_RATIONALE_CHARS = 10_000;

const app = document.getElementById("app")!;

let caller: Caller | null = null;
let watch: AbortController | null = null;

// The claim of the queue view, and whether the reviewer (still) holds it.
let shown: { claim: Claim; held: boolean; changedBy?: ClaimEvent } | null = null;
// The claim a claim page shows, by name.
let viewed: string | null = null;

function onQueue(): boolean {
  return location.hash === "" || location.hash.startsWith("#queue");
}

// ---------- the frame ----------

const notice = h("div", { class: "notice", role: "status", "aria-live": "polite", "data-testid": "notice" });
const main = h("main", { id: "main", tabindex: "-1" });
const queueCount = h("span", { class: "count", "data-testid": "queue-count", "aria-live": "polite" });
const who = h("span", { class: "who", "data-testid": "who" });
const nav = h("nav", { "aria-label": "Views" });
const helpDialog = h(
  "dialog",
  { id: "help", "aria-labelledby": "help-title" },
  h("h2", { id: "help-title" }, "Keyboard"),
  h(
    "dl",
    { class: "keys" },
    ...[
      ["n", "take the next claim from the queue"],
      ["1 – 8", VERDICTS.map((verdict, i) => `${i + 1} ${verdictWords(verdict)}`).join(", ")],
      ["Ctrl + Enter", "submit the verdict (also s outside a text field)"],
      ["r", "release the claim"],
      ["e", "correct the claim"],
      ["q / b", "the queue / browse and search"],
      ["/", "search"],
      ["?", "this help"],
      ["Esc", "close a dialog, leave a text field"],
    ].flatMap(([key, what]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, what)]),
  ),
  h("form", { method: "dialog" }, h("button", {}, "Close")),
);

function say(message: string, kind: "info" | "error" = "info"): void {
  notice.className = `notice ${kind}`;
  replace(notice, message);
}

function frame(): void {
  replace(
    app,
    h(
      "header",
      {},
      h("a", { class: "skip", href: "#main", onclick: (event: Event) => (event.preventDefault(), main.focus()) }, "Skip to content"),
      h("strong", { class: "brand" }, "claimdb"),
      nav,
      queueCount,
      who,
      h("button", { type: "button", class: "small", onclick: () => helpDialog.showModal(), "aria-keyshortcuts": "?" }, "Keys (?)"),
      h("button", { type: "button", class: "small", onclick: signOut }, "Sign out"),
    ),
    notice,
    main,
    helpDialog,
  );
  const role = caller!.role;
  const links: [string, string][] = [
    ["#queue", "Queue"],
    ["#browse", "Browse"],
  ];
  if (role === Caller_Role.ADMIN) links.push(["#stats", "Stats"], ["#audit", "Audit"]);
  replace(
    nav,
    links.map(([href, label]) => h("a", { href, "aria-current": location.hash.startsWith(href) ? "page" : null }, label)),
  );
  replace(who, caller!.name, h("small", { "data-testid": "role" }, ` ${words(Caller_Role[role])}`));
}

// ---------- signing in ----------

function signInView(message?: string): void {
  caller = null;
  watch?.abort();
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const error = h("p", { class: "error", role: "alert" }, message ?? "");
  const form = h(
    "form",
    { class: "signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "claimdb review console"),
    h("label", { for: "token" }, "Token"),
    input,
    h("p", { class: "hint" }, "Your API token (claimdb token create). It is kept in this tab only, until you sign out or close it."),
    h("button", { type: "submit" }, "Sign in"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    session.token = input.value.trim();
    try {
      await start();
    } catch (failure) {
      session.token = null;
      replace(error, describe(failure));
    }
  });
  replace(app, h("main", {}, form));
  input.focus();
  performance.mark("sign-in-ready");
}

function signOut(): void {
  session.token = null;
  shown = null;
  history.replaceState(null, "", location.pathname);
  signInView();
}

async function start(): Promise<void> {
  caller = await reviews.getCaller({});
  // A reload does not lose the claim the reviewer holds.
  if (canReview()) {
    const mine = await claims.listClaims({ filter: "holder = me", pageSize: 1, orderBy: "checkworthiness desc" });
    shown = mine.claims.length > 0 ? { claim: mine.claims[0], held: true } : null;
  }
  live();
  refreshQueue();
  if (!location.hash) history.replaceState(null, "", "#queue");
  await route();
  performance.mark("console-ready");
}

/** Any call that comes back UNAUTHENTICATED ends the session. */
function failed(failure: unknown): void {
  if (codeOf(failure) === Code.Unauthenticated) {
    session.token = null;
    signInView(`Signed out: ${describe(failure)}`);
    return;
  }
  say(describe(failure), "error");
}

// ---------- routing ----------

async function route(): Promise<void> {
  if (!caller) return;
  frame();
  const hash = location.hash;
  viewed = null;
  try {
    if (hash.startsWith("#claims/")) await detailView(`claims/${decodeURIComponent(hash.slice("#claims/".length))}`);
    else if (hash.startsWith("#browse")) browseView();
    else if (hash === "#stats") await statsView();
    else if (hash === "#audit") await auditView();
    else await queueView();
  } catch (failure) {
    failed(failure);
  }
}

window.addEventListener("hashchange", () => void route());

// ---------- the queue ----------

const queueFilter = h("input", { id: "queue-filter", name: "filter", placeholder: 'e.g. kind = STATISTIC AND checkworthiness >= 0.5', spellcheck: "false" });
const queueArea = h("div", { class: "work" });

function canReview(): boolean {
  return caller !== null && caller.role >= Caller_Role.REVIEWER;
}

/** The queue's screen; with a claim held, done once that claim is shown. */
function queueView(): Promise<void> {
  const next = h("button", { type: "button", "aria-keyshortcuts": "n", onclick: () => void nextClaim(), disabled: !canReview() }, "Next claim (n)");
  replace(
    main,
    h("h1", { class: "visually-hidden" }, "Queue"),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "queue-filter" }, "Only claims matching"),
      queueFilter,
      next,
    ),
    canReview()
      ? null
      : h("p", { class: "flag", "data-testid": "cannot-review" }, `Your token has the ${words(Caller_Role[caller!.role])} role: you can read and search claims, but not take them from the queue or give verdicts.`),
    queueArea,
  );
  if (shown?.held) return renderWork();
  if (canReview()) replace(queueArea, h("p", { class: "empty" }, "Press n to take the next claim."));
  return Promise.resolve();
}

async function nextClaim(): Promise<void> {
  if (!canReview()) {
    say("Your role cannot take claims from the queue.", "error");
    return;
  }
  if (!onQueue()) history.pushState(null, "", "#queue");
  performance.mark("next-start");
  cancelSimilar();
  try {
    // Next skips the claim on screen: the next one is taken first (so that
    // it is another), then the skipped one goes back to the queue.
    const skipped = shown?.held ? shown.claim.name : null;
    const giveBack = async () => {
      if (skipped === null) return;
      await reviews.releaseClaim({ name: skipped }).catch((failure) => {
        // Its lease may have ended already.
        if (codeOf(failure) !== Code.FailedPrecondition) throw failure;
      });
    };
    const filter = queueFilter.value.trim();
    let response;
    try {
      response = await reviews.acquireClaim({ filter });
    } catch (failure) {
      // Holding as many claims as the server allows: give this one back first.
      if (skipped === null || codeOf(failure) !== Code.ResourceExhausted) throw failure;
      await giveBack();
      shown = null;
      response = await reviews.acquireClaim({ filter });
    }
    if (response.claim?.name !== skipped) await giveBack();
    if (!response.claim) {
      shown = null;
      void queueView();
      replace(queueArea, h("p", { class: "empty", "data-testid": "queue-empty" }, "No claim in the queue matches."));
      return;
    }
    shown = { claim: response.claim, held: true };
    form.reset();
    await queueView();
    // From the key to the claim and its highlighted sentence on screen.
    performance.measure("next-claim", "next-start");
    say(`You hold ${response.claim.name} until ${when(response.claim.leaseExpireTime)}.`);
  } catch (failure) {
    failed(failure);
  }
}

const articleCache = new Map<string, Article>();

async function article(name: string): Promise<Article> {
  const cached = articleCache.get(name);
  if (cached) return cached;
  const fetched = await articles.getArticle({ name });
  if (articleCache.size > 32) articleCache.clear();
  articleCache.set(name, fetched);
  return fetched;
}

async function renderWork(): Promise<void> {
  if (!shown) return;
  const claim = shown.claim;
  const similar = h("ul", { class: "similar", "aria-label": "Previously checked claims" }, h("li", { class: "empty" }, "Looking for earlier checks…"));
  replace(
    queueArea,
    h("div", { class: "columns" }, h("div", {}, claimCard(claim), changedBanner(), form.element), h("div", { class: "side" }, h("div", { "data-testid": "article", class: "empty" }, "Loading the article…"), h("section", { class: "matches" }, h("h3", {}, "Previously checked"), similar))),
  );
  form.focusFirst();
  // The matches come when they come; the claim is shown once its article is.
  void loadSimilar(claim, similar, shown.held ? useMatch : null);
  const fetched = await article(claim.article);
  if (shown?.claim.name !== claim.name) return;
  const slot = queueArea.querySelector('[data-testid="article"]');
  if (slot) {
    slot.replaceWith(articleView(fetched, claim));
    centreSentence(queueArea);
  }
}

/** Scrolls the article (not the page) so that the claim's sentence is in the middle of it. */
function centreSentence(within: HTMLElement): void {
  const body = within.querySelector<HTMLElement>(".article .body");
  const mark = body?.querySelector<HTMLElement>("mark");
  if (!body || !mark) return;
  body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3);
}

// The matches of the claim on screen, still coming: a page over HTTP/1.1
// has few connections, so a search for a claim no longer shown is cancelled.
let similarCall: AbortController | null = null;

function cancelSimilar(): void {
  similarCall?.abort();
  similarCall = null;
}

async function loadSimilar(claim: Claim, list: HTMLElement, onUse: ((match: SimilarClaim) => void) | null): Promise<void> {
  cancelSimilar();
  const call = new AbortController();
  similarCall = call;
  try {
    const response = await claims.findSimilarClaims({ query: { case: "claim", value: claim.name }, pageSize: 5 }, { signal: call.signal });
    if (response.matches.length === 0) replace(list, h("li", { class: "empty", "data-testid": "no-similar" }, "No earlier claim says the same."));
    else replace(list, response.matches.map((match) => similarItem(match, onUse)));
  } catch (failure) {
    if (call.signal.aborted) return;
    replace(list, h("li", { class: "error" }, describe(failure)));
  } finally {
    if (similarCall === call) similarCall = null;
  }
}

function useMatch(match: SimilarClaim): void {
  const claim = match.claim!;
  const external = claim.externalReview;
  const by = external ? `${external.publisher} rated it “${external.rating}”` : `reviewed here${claim.lastReviewer ? ` by ${claim.lastReviewer}` : ""}`;
  form.fill(claim.verdict, `Same claim as ${claim.name}: “${claim.text}” (${by}).`, external?.url ? [external.url] : []);
  say(`Verdict ${verdictWords(claim.verdict)} taken from ${claim.name}: check the rationale, then submit.`);
}

/** When another reviewer changed the claim on screen while it was open. */
function changedBanner(): HTMLElement | null {
  const event = shown?.changedBy;
  if (!event) return null;
  return h(
    "p",
    { class: "flag", role: "alert", "data-testid": "changed" },
    `${event.actor === caller?.name ? "You (elsewhere)" : event.actor} changed this claim (${words(ClaimEvent_Type[event.type])}) while it was open here: it is now `,
    stateLine(event.claim!),
  );
}

// ---------- the verdict form ----------

const form = (() => {
  let verdict: Verdict = Verdict.VERDICT_UNSPECIFIED;
  const buttons = VERDICTS.map((value, i) =>
    h(
      "button",
      { type: "button", class: "verdict", "aria-pressed": "false", "aria-keyshortcuts": String(i + 1), "data-verdict": Verdict[value], onclick: () => choose(value) },
      h("kbd", {}, String(i + 1)),
      ` ${verdictWords(value)}`,
    ),
  );
  const rationale = h("textarea", { id: "rationale", name: "rationale", rows: 4, maxlength: MAX_RATIONALE_CHARS, required: true });
  const evidence = h("textarea", { id: "evidence", name: "evidence", rows: 3, spellcheck: "false", placeholder: "https://…, one per line" });
  const problems = h("p", { class: "error", role: "alert", "data-testid": "form-error" });
  const element = h(
    "form",
    { class: "review", "aria-label": "Your verdict" },
    h("fieldset", {}, h("legend", {}, "Verdict"), h("div", { class: "verdicts" }, buttons)),
    h("label", { for: "rationale" }, "Rationale"),
    rationale,
    h("label", { for: "evidence" }, "Evidence URLs"),
    evidence,
    problems,
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", "aria-keyshortcuts": "Control+Enter" }, "Submit (Ctrl+Enter)"),
      h("button", { type: "button", class: "secondary", onclick: () => void release(), "aria-keyshortcuts": "r" }, "Release (r)"),
      h("button", { type: "button", class: "secondary", onclick: () => editDialog(), "aria-keyshortcuts": "e" }, "Correct (e)"),
    ),
  );
  element.addEventListener("submit", (event) => {
    event.preventDefault();
    void submit();
  });

  function choose(value: Verdict): void {
    verdict = value;
    for (const button of buttons) button.setAttribute("aria-pressed", String(button.dataset.verdict === Verdict[value]));
  }

  /** What the form holds, or what is wrong with it (checked as the server checks). */
  function read(): { verdict: Verdict; rationale: string; evidenceUrls: string[] } | string {
    if (verdict === Verdict.VERDICT_UNSPECIFIED) return "Choose a verdict (keys 1–8).";
    const text = rationale.value.trim();
    if (text === "") return "Say why the verdict holds (rationale).";
    if ([...text].length > MAX_RATIONALE_CHARS) return `The rationale is longer than ${MAX_RATIONALE_CHARS} characters.`;
    const urls = evidence.value.split(/\s+/).filter((url) => url !== "");
    if (urls.length > MAX_EVIDENCE_URLS) return `At most ${MAX_EVIDENCE_URLS} evidence URLs.`;
    const bad = urls.find((url) => !isHttpUrl(url));
    if (bad !== undefined) return `Evidence URL “${bad}” is not an absolute http(s) URL.`;
    return { verdict, rationale: text, evidenceUrls: urls };
  }

  return {
    element,
    choose,
    read,
    problem(text: string) {
      replace(problems, text);
    },
    fill(value: Verdict, text: string, urls: string[]) {
      choose(value);
      rationale.value = text;
      evidence.value = urls.join("\n");
      rationale.focus();
    },
    reset() {
      verdict = Verdict.VERDICT_UNSPECIFIED;
      for (const button of buttons) button.setAttribute("aria-pressed", "false");
      rationale.value = "";
      evidence.value = "";
      replace(problems);
    },
    focusFirst() {
      buttons[0].focus({ preventScroll: true });
    },
  };
})();

async function submit(): Promise<void> {
  if (!shown) return;
  if (!shown.held) {
    form.problem("You do not hold this claim (any more), so you cannot give it a verdict: press n for the next one.");
    return;
  }
  const values = form.read();
  if (typeof values === "string") {
    form.problem(values);
    return;
  }
  form.problem("");
  const claim = shown.claim;
  try {
    const response = await reviews.submitReview({ claim: claim.name, etag: claim.etag, ...values });
    cancelSimilar();
    shown = null;
    form.reset();
    void queueView();
    replace(
      queueArea,
      h("p", { class: "done", "data-testid": "submitted" }, `Saved: ${verdictWords(values.verdict)} on ${claim.name} (now ${stateLine(response.claim!).textContent}). Press n for the next claim.`),
    );
    say(`Verdict saved on ${claim.name}.`);
  } catch (failure) {
    if (codeOf(failure) === Code.Aborted) {
      // Someone changed the claim since it was read: show it as it is now
      // and let the reviewer decide again; the form keeps what they wrote.
      try {
        const now = await claims.getClaim({ name: claim.name });
        shown = { claim: now, held: now.leaseHolder === caller?.name };
        await renderWork();
        form.problem("This claim changed since you opened it, so your verdict was not saved. It is shown as it is now: check it, then submit again.");
        say(`${claim.name} changed: not saved.`, "error");
      } catch (again) {
        failed(again);
      }
      return;
    }
    if (failure instanceof ConnectError && failure.code !== Code.Unauthenticated) {
      form.problem(describe(failure));
      return;
    }
    failed(failure);
  }
}

async function release(): Promise<void> {
  if (!shown?.held) return;
  const name = shown.claim.name;
  try {
    await reviews.releaseClaim({ name });
    cancelSimilar();
    shown = null;
    form.reset();
    void queueView();
    replace(queueArea, h("p", { class: "empty" }, `Released ${name}. Press n for the next claim.`));
    say(`Released ${name}.`);
  } catch (failure) {
    failed(failure);
  }
}

// ---------- corrections ----------

function editDialog(): void {
  if (!shown?.held || !canReview()) return;
  const claim = shown.claim;
  const text = h("textarea", { id: "edit-text", rows: 3 });
  text.value = claim.text;
  const speaker = h("input", { id: "edit-speaker" });
  speaker.value = claim.speaker;
  const kind = h(
    "select",
    { id: "edit-kind" },
    [Claim_Kind.STATISTIC, Claim_Kind.EVENT, Claim_Kind.STATEMENT, Claim_Kind.PREDICTION, Claim_Kind.OPINION].map((value) =>
      h("option", { value: String(value), selected: value === claim.kind }, words(Claim_Kind[value])),
    ),
  );
  const checkable = h("input", { id: "edit-checkable", type: "checkbox", checked: claim.checkable });
  const diff = h("ul", { class: "diff", "data-testid": "diff", "aria-live": "polite" });
  const error = h("p", { class: "error", role: "alert" });
  const changes = () => {
    const list: [string, string, string][] = [];
    if (text.value.trim() !== claim.text) list.push(["text", claim.text, text.value.trim()]);
    if (speaker.value.trim() !== claim.speaker) list.push(["speaker", claim.speaker, speaker.value.trim()]);
    if (Number(kind.value) !== claim.kind) list.push(["kind", words(Claim_Kind[claim.kind]), words(Claim_Kind[Number(kind.value)])]);
    if (checkable.checked !== claim.checkable) list.push(["checkable", String(claim.checkable), String(checkable.checked)]);
    return list;
  };
  const showDiff = () =>
    replace(
      diff,
      changes().map(([name, before, after]) => h("li", {}, h("strong", {}, name), ": ", h("del", {}, before), " → ", h("ins", {}, after))),
    );
  for (const input of [text, speaker, kind, checkable]) input.addEventListener("input", showDiff);
  const dialog = h(
    "dialog",
    { "aria-labelledby": "edit-title", class: "edit" },
    h("h2", { id: "edit-title" }, `Correct ${claim.name}`),
    h("label", { for: "edit-text" }, "Text"),
    text,
    h("label", { for: "edit-speaker" }, "Speaker"),
    speaker,
    h("label", { for: "edit-kind" }, "Kind"),
    kind,
    h("label", { class: "check" }, checkable, " Checkable"),
    h("h3", {}, "What changes"),
    diff,
    error,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          onclick: async () => {
            const list = changes();
            if (list.length === 0) {
              replace(error, "Nothing changes.");
              return;
            }
            try {
              const updated = await claims.updateClaim({
                claim: { name: claim.name, text: text.value.trim(), speaker: speaker.value.trim(), kind: Number(kind.value), checkable: checkable.checked },
                updateMask: { paths: list.map(([name]) => name) },
                etag: claim.etag,
              });
              dialog.close();
              dialog.remove();
              shown = { claim: updated, held: true };
              await renderWork();
              say(`Corrected ${list.map(([name]) => name).join(", ")} of ${claim.name}.`);
            } catch (failure) {
              replace(error, describe(failure));
            }
          },
        },
        "Save the correction",
      ),
      h("button", { type: "button", class: "secondary", onclick: () => (dialog.close(), dialog.remove()) }, "Cancel"),
    ),
  );
  document.body.appendChild(dialog);
  dialog.showModal();
  text.focus();
}

// ---------- browsing and search ----------

function browseView(): void {
  const params = new URLSearchParams(location.hash.slice("#browse".length + 1));
  const query = h("input", { id: "search", type: "search", name: "q", value: params.get("q") ?? "", "aria-keyshortcuts": "/" });
  const filter = h("input", { id: "browse-filter", name: "filter", value: params.get("filter") ?? "", spellcheck: "false", placeholder: "status = UNREVIEWED AND speaker = \"Joe Biden\"" });
  const results = h("ol", { class: "results", "data-testid": "results" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More");
  const summary = h("p", { class: "hint", "aria-live": "polite" });
  const searchForm = h(
    "form",
    { class: "toolbar", role: "search" },
    h("label", { for: "search" }, "Words"),
    query,
    h("label", { for: "browse-filter" }, "Filter"),
    filter,
    h("button", { type: "submit" }, "Search"),
  );
  let pageToken = "";
  // Each new search or listing outdates the answers still on their way:
  // only the latest one is shown, so results never mix.
  let generation = 0;
  const load = async (first: boolean) => {
    const mine = first ? ++generation : generation;
    try {
      if (first) {
        pageToken = "";
        replace(results);
        replace(summary, "Searching…");
      }
      const q = query.value.trim();
      const f = filter.value.trim();
      let found: Claim[];
      let newestOnly = false;
      if (q) {
        const response = await claims.searchClaims({ query: q, filter: f, pageSize: 50, pageToken });
        if (mine !== generation) return;
        found = response.results.map((result) => result.claim!);
        pageToken = response.nextPageToken;
        newestOnly = response.newestMatchesOnly;
      } else {
        const response = await claims.listClaims({ filter: f, pageSize: 50, pageToken, orderBy: "create_time desc" });
        if (mine !== generation) return;
        found = response.claims;
        pageToken = response.nextPageToken;
      }
      append(
        results,
        found.map((claim) =>
          h(
            "li",
            {},
            h("a", { href: `#claims/${claimId(claim.name)}` }, claim.text),
            h("small", {}, ` — ${claim.speaker || "—"} · ${words(Claim_Kind[claim.kind])} · ${stateLine(claim).textContent}`),
          ),
        ),
      );
      more.hidden = pageToken === "";
      const count = results.childElementCount;
      replace(summary, count === 0 ? "No claim matches." : `${count} claim${count === 1 ? "" : "s"} shown${newestOnly ? " (the best of the newest matches: add words or a filter for older ones)" : ""}.`);
    } catch (failure) {
      if (mine === generation) failed(failure);
    }
  };
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (query.value.trim()) next.set("q", query.value.trim());
    if (filter.value.trim()) next.set("filter", filter.value.trim());
    history.replaceState(null, "", `#browse?${next}`);
    void load(true);
  });
  more.addEventListener("click", () => void load(false));
  replace(main, h("h1", { class: "visually-hidden" }, "Browse and search"), searchForm, summary, results, more);
  query.focus();
  void load(true);
}

async function detailView(name: string): Promise<void> {
  const [claim, history] = await Promise.all([claims.getClaim({ name }), reviews.getClaimHistory({ name })]);
  viewed = name;
  const similar = h("ul", { class: "similar", "aria-label": "Previously checked claims" }, h("li", { class: "empty" }, "Looking for earlier checks…"));
  const holder = h("div", { "data-testid": "article", class: "empty" }, "Loading the article…");
  replace(
    main,
    h("div", { class: "columns" }, h("div", {}, claimCard(claim), historyView(history)), h("div", { class: "side" }, holder, h("section", { class: "matches" }, h("h3", {}, "Previously checked"), similar))),
  );
  void loadSimilar(claim, similar, null);
  const fetched = await article(claim.article);
  if (viewed === name) {
    holder.replaceWith(articleView(fetched, claim));
    centreSentence(main);
  }
}

// ---------- admin ----------

async function statsView(): Promise<void> {
  const stats = await reviews.getReviewStats({});
  const queue = stats.queue!;
  replace(
    main,
    h("h1", {}, "Review statistics"),
    h(
      "table",
      { "data-testid": "stats-queue" },
      h("caption", {}, "Queue"),
      h("tbody", {}, ...[
        ["Unreviewed", queue.unreviewed],
        ["Held now", queue.leased],
        ["Awaiting a second review", queue.awaitingSecond],
        ["Disputed", queue.disputed],
        ["Final (given here)", queue.final],
        ["Imported fact-checks", queue.imported],
      ].map(([label, value]) => h("tr", {}, h("th", { scope: "row" }, String(label)), h("td", {}, String(value))))),
    ),
    h(
      "table",
      {},
      h("caption", {}, "Throughput"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Reviewer"), h("th", { scope: "col" }, "Reviews"), h("th", { scope: "col" }, "Last 24 h"), h("th", { scope: "col" }, "Latest"))),
      h("tbody", {}, stats.reviewers.map((reviewer) => h("tr", {}, h("td", {}, reviewer.reviewer), h("td", {}, String(reviewer.reviews)), h("td", {}, String(reviewer.reviewsLastDay)), h("td", {}, when(reviewer.lastReviewTime))))),
    ),
    h(
      "p",
      {},
      `Claims judged by two reviewers: ${stats.doubleReviewedClaims}. Cohen's kappa: ${stats.cohensKappa === undefined ? "not defined yet" : stats.cohensKappa.toFixed(3)}. Second review is ${stats.secondReview ? "on" : "off"}.`,
    ),
  );
}

async function auditView(): Promise<void> {
  const actor = h("input", { id: "audit-actor" });
  const method = h("input", { id: "audit-method", placeholder: "SubmitReview" });
  const rows = h("tbody", { "data-testid": "audit" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "More");
  let pageToken = "";
  const load = async (first: boolean) => {
    try {
      if (first) {
        pageToken = "";
        replace(rows);
      }
      const response = await reviews.listAuditEvents({ pageSize: 50, pageToken, actor: actor.value.trim(), method: method.value.trim(), newestFirst: true });
      pageToken = response.nextPageToken;
      append(
        rows,
        response.events.map((event) => h("tr", {}, h("td", {}, when(event.createTime)), h("td", {}, event.actor), h("td", {}, event.method), h("td", {}, event.resource), h("td", {}, event.details))),
      );
      more.hidden = pageToken === "";
    } catch (failure) {
      failed(failure);
    }
  };
  const filters = h("form", { class: "toolbar" }, h("label", { for: "audit-actor" }, "Actor"), actor, h("label", { for: "audit-method" }, "Method"), method, h("button", { type: "submit" }, "Filter"));
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    void load(true);
  });
  more.addEventListener("click", () => void load(false));
  replace(
    main,
    h("h1", {}, "Audit log"),
    filters,
    h("table", {}, h("thead", {}, h("tr", {}, ...["When", "Who", "Method", "Resource", "Details"].map((label) => h("th", { scope: "col" }, label)))), rows),
    more,
  );
  await load(true);
}

// ---------- live updates ----------

let queueRefresh: number | null = null;

function refreshQueue(): void {
  if (!canReview()) {
    replace(queueCount);
    return;
  }
  if (queueRefresh !== null) return;
  // One count for the events of the next 200 ms, however many arrive.
  queueRefresh = window.setTimeout(async () => {
    try {
      const counts = await reviews.getQueueCounts({});
      replace(queueCount, `Queue: ${counts.unreviewed} unreviewed · ${counts.disputed} disputed · ${counts.leased} held`);
    } catch {
      // The count is a convenience; a failed one is retried on the next event.
    } finally {
      queueRefresh = null;
    }
  }, 200);
}

function live(): void {
  watch?.abort();
  const controller = new AbortController();
  watch = controller;
  void (async () => {
    let delay = 1000;
    while (!controller.signal.aborted) {
      try {
        for await (const event of claims.watchClaims({ filter: "" }, { signal: controller.signal })) {
          delay = 1000;
          onEvent(event);
        }
      } catch (failure) {
        if (controller.signal.aborted) return;
        if (codeOf(failure) === Code.Unauthenticated || codeOf(failure) === Code.PermissionDenied) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  })();
}

function onEvent(event: ClaimEvent): void {
  refreshQueue();
  if (event.type === ClaimEvent_Type.EVENTS_DROPPED) {
    // Missed events: a claim page reads its claim again.
    if (viewed) void route();
    return;
  }
  const claim = event.claim;
  if (!claim) return;
  if (claim.name === viewed) {
    void route();
    say(`${claim.name}: ${words(ClaimEvent_Type[event.type])} by ${event.actor}.`);
    return;
  }
  if (!shown || claim.name !== shown.claim.name) return;
  // This page's own acquire or correction: nothing it does not know.
  if (claim.etag === shown.claim.etag) return;
  // Keep the etag the reviewer read: their verdict must not silently apply
  // to a claim that changed under them.
  shown.changedBy = event;
  if (onQueue()) void renderWork();
  say(`${event.actor} changed ${claim.name} while you had it open.`, "error");
}

// ---------- keyboard ----------

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

document.addEventListener("keydown", (event) => {
  if (!caller) return;
  if (document.querySelector("dialog[open]") && event.key !== "Escape") return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && onQueue()) {
    event.preventDefault();
    void submit();
    return;
  }
  if (event.key === "Escape" && typing(event.target)) {
    (event.target as HTMLElement).blur();
    return;
  }
  if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
  const key = event.key;
  if (key === "?") helpDialog.showModal();
  else if (key === "n") void nextClaim();
  else if (key === "s" && onQueue()) void submit();
  else if (key === "r" && onQueue()) void release();
  else if (key === "e" && onQueue()) editDialog();
  else if (key === "q") location.hash = "#queue";
  else if (key === "b" || key === "/") {
    if (!location.hash.startsWith("#browse")) location.hash = "#browse";
    else document.getElementById("search")?.focus();
  } else if (/^[1-8]$/.test(key) && shown?.held && onQueue()) form.choose(VERDICTS[Number(key) - 1]);
  else return;
  event.preventDefault();
});

// ---------- start ----------

if (session.token) {
  start().catch((failure) => {
    session.token = null;
    signInView(describe(failure));
  });
} else {
  signInView();
}
