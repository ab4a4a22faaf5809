// How a claim, its article and its history are shown: read-only views,
// built from text nodes only.

import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { externalLink, h, text } from "./dom.js";
import type { Article } from "./gen/claimdb/v1/articles_pb.js";
import {
  Claim_Kind,
  Claim_Status,
  Entity_Kind,
  Stance_Polarity,
  Verdict,
  type Claim,
  type SimilarClaim,
} from "./gen/claimdb/v1/claims_pb.js";
import type { ClaimHistory } from "./gen/claimdb/v1/reviews_pb.js";
import { pieces } from "./spans.js";

/** "MOSTLY_TRUE" as "Mostly true". */
export function words(name: string | undefined): string {
  if (!name) return "";
  const lower = name.toLowerCase().replace(/_/g, " ");
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

export const verdictWords = (verdict: Verdict) => words(Verdict[verdict]);
export const statusWords = (status: Claim_Status) => words(Claim_Status[status]);

/** The verdicts a reviewer can give, in key order (1–8). */
export const VERDICTS: Verdict[] = [
  Verdict.TRUE,
  Verdict.MOSTLY_TRUE,
  Verdict.MIXED,
  Verdict.MOSTLY_FALSE,
  Verdict.FALSE,
  Verdict.MISLEADING,
  Verdict.UNVERIFIABLE,
  Verdict.NOT_A_CLAIM,
];

export function when(timestamp: Timestamp | undefined): string {
  if (!timestamp) return "";
  return timestampDate(timestamp).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** The id part of `claims/{id}`. */
export function claimId(name: string): string {
  return name.slice(name.indexOf("/") + 1);
}

function field(label: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h("dt", {}, label), h("dd", {}, ...value)];
}

/** The review state in one line: status, verdict and who holds the claim. */
export function stateLine(claim: Claim): HTMLElement {
  const parts: (string | Node)[] = [statusWords(claim.status)];
  if (claim.verdict !== Verdict.VERDICT_UNSPECIFIED) {
    parts.push(` · ${verdictWords(claim.verdict)}${claim.verdictFinal ? "" : " (awaiting a second review)"}`);
    if (claim.externalReview) parts.push(` by ${claim.externalReview.publisher} (imported)`);
    else if (claim.lastReviewer) parts.push(` by ${claim.lastReviewer}`);
  }
  if (claim.leaseHolder) parts.push(` · held by ${claim.leaseHolder} until ${when(claim.leaseExpireTime)}`);
  return h("p", { class: "state", "data-testid": "claim-state" }, ...parts);
}

/** Everything the extractor said about a claim. */
export function claimCard(claim: Claim): HTMLElement {
  const details: HTMLElement[] = [];
  details.push(...field("Speaker", claim.speaker || "—", claim.speakerRole ? ` (${claim.speakerRole})` : ""));
  if (claim.stance) {
    const polarity = claim.stance.polarity === Stance_Polarity.DENIES ? "denies" : "affirms";
    details.push(...field("Stance", `${polarity}: “${claim.stance.verb}”`));
  }
  details.push(...field("Content", h("q", { "data-testid": "claim-content" }, claim.content)));
  details.push(...field("Kind", words(Claim_Kind[claim.kind]), claim.checkable ? "" : " · not checkable (yet)"));
  details.push(...field("Check-worthiness", claim.checkworthiness.toFixed(2)));
  if (claim.dates.length > 0) {
    details.push(
      ...field(
        "Dates",
        h(
          "ul",
          {},
          claim.dates.map((date) =>
            h("li", {}, `“${date.text}”: `, date.start === date.end ? date.start : `${date.start} to ${date.end}`),
          ),
        ),
      ),
    );
  }
  if (claim.entities.length > 0) {
    details.push(
      ...field(
        "Names",
        h("ul", { class: "inline" }, claim.entities.map((entity) => h("li", {}, entity.name, h("small", {}, ` ${words(Entity_Kind[entity.kind])}`)))),
      ),
    );
  }
  if (claim.quantities.length > 0) {
    details.push(
      ...field(
        "Numbers",
        h(
          "ul",
          { class: "inline" },
          claim.quantities.map((quantity) =>
            h("li", {}, `“${quantity.text}”`, h("small", {}, ` ${quantity.value}${quantity.upper !== undefined ? `–${quantity.upper}` : ""} ${quantity.unit}`)),
          ),
        ),
      ),
    );
  }
  if (claim.rewrites.length > 0) {
    details.push(
      ...field(
        "Rewrites",
        h(
          "ul",
          { "data-testid": "rewrites" },
          claim.rewrites.map((rewrite) =>
            h("li", {}, h("del", {}, rewrite.original), " → ", h("ins", {}, rewrite.replacement || "(left out)"), h("small", {}, ` (${rewrite.rule})`)),
          ),
        ),
      ),
    );
  }
  details.push(...field("Extractor", claim.extractorVersion));
  return h(
    "article",
    { class: "claim", "aria-labelledby": "claim-text" },
    h("p", { class: "name" }, claim.name, claim.externalReview ? " · imported fact-check" : ""),
    h("h2", { id: "claim-text", "data-testid": "claim-text" }, claim.text),
    claim.needsContext
      ? h(
          "p",
          { class: "flag", role: "note", "data-testid": "needs-context" },
          "Needs context: the claim keeps the article's words where the extractor was not sure what they refer to. Read the sentence in its article.",
        )
      : null,
    stateLine(claim),
    claim.externalReview
      ? h(
          "p",
          { class: "external" },
          `Imported from ${claim.externalReview.publisher}: rated “${claim.externalReview.rating}”`,
          claim.externalReview.date ? ` on ${claim.externalReview.date}` : "",
          claim.externalReview.url ? [" · ", externalLink(claim.externalReview.url, "their review")] : "",
        )
      : null,
    h("dl", {}, details),
  );
}

/** The article with the claim's sentence highlighted and each rewrite marked where it stands. */
export function articleView(article: Article, claim: Claim): HTMLElement {
  const sentence = claim.span ?? { start: 0, end: 0 };
  // Focusable, so that keyboard users can scroll it.
  const body = h("div", { class: "body", "data-testid": "article-body", tabindex: 0, role: "region", "aria-label": "Article text" });
  const marked = claim.rewrites.flatMap((rewrite) => (rewrite.span ? [{ ...rewrite, span: rewrite.span }] : []));
  for (const piece of pieces(article.body, sentence, marked)) {
    let node: Node;
    if (piece.rewrite) {
      node = h(
        "span",
        { class: "rewrite", title: `${piece.rewrite.rule}: “${piece.rewrite.original}” → “${piece.rewrite.replacement}”` },
        h("del", {}, piece.text),
        h(
          "ins",
          { "aria-label": piece.rewrite.replacement ? `rewritten as ${piece.rewrite.replacement} (${piece.rewrite.rule})` : `left out (${piece.rewrite.rule})` },
          piece.rewrite.replacement,
        ),
        h("small", { class: "rule" }, piece.rewrite.rule),
      );
    } else {
      node = text(piece.text);
    }
    if (piece.inSentence) {
      const mark = h("mark", { "data-testid": "sentence" });
      mark.appendChild(node);
      node = mark;
    }
    body.appendChild(node);
  }
  const parts: (string | Node)[] = [article.publisher, article.credit, article.dateline, article.publishedDate].filter((part) => part !== "");
  if (article.sourceUrl) parts.push(externalLink(article.sourceUrl, "source"));
  const source = parts.flatMap((part, i) => (i === 0 ? [part] : [" · ", part]));
  return h(
    "section",
    { class: "article", "aria-label": "The article" },
    h("h3", {}, article.title || `Article ${article.name}`),
    h("p", { class: "source" }, ...source),
    body,
  );
}

/** A claim's extraction, corrections and reviews, oldest first. */
export function historyView(history: ClaimHistory): HTMLElement {
  return h(
    "section",
    { class: "history", "aria-label": "History" },
    h("h3", {}, "History"),
    h(
      "ol",
      { "data-testid": "history" },
      history.events.map((event) => {
        const change = event.change;
        let what: (string | Node)[] = [];
        if (change.case === "extraction") what = [`Extracted from ${change.value.article}: “${change.value.text}” (speaker ${change.value.speaker || "—"})`];
        else if (change.case === "correction")
          what = [`Corrected ${change.value.field}: “${change.value.oldValue}” → “${change.value.newValue}”`];
        else if (change.case === "review")
          what = [
            `Verdict ${verdictWords(change.value.verdict)}: ${change.value.rationale}`,
            ...change.value.evidenceUrls.flatMap((url) => [" ", externalLink(url)]),
          ];
        return h("li", {}, h("small", {}, `${when(event.time)} · ${event.actor} · `), ...what);
      }),
    ),
  );
}

/** One previously checked claim, with a button to take its verdict when it has one. */
export function similarItem(match: SimilarClaim, onUse: ((match: SimilarClaim) => void) | null): HTMLElement {
  const claim = match.claim!;
  const external = claim.externalReview;
  const verdict =
    claim.verdict !== Verdict.VERDICT_UNSPECIFIED
      ? `${verdictWords(claim.verdict)}${external ? ` — ${external.publisher}: “${external.rating}”` : claim.lastReviewer ? ` — ${claim.lastReviewer} (here)` : ""}`
      : "not reviewed";
  return h(
    "li",
    { "data-testid": "similar" },
    h("p", {}, h("a", { href: `#claims/${claimId(claim.name)}` }, claim.text)),
    h(
      "p",
      { class: "verdict" },
      verdict,
      external?.url ? [" · ", externalLink(external.url, "review")] : "",
      external?.date ? ` · ${external.date}` : "",
    ),
    match.reviewed && onUse && claim.verdict !== Verdict.VERDICT_UNSPECIFIED
      ? h("button", { type: "button", class: "small", onclick: () => onUse(match) }, `Use “${verdictWords(claim.verdict)}”`)
      : null,
  );
}
