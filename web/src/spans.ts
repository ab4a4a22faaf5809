// Claims locate their sentence and rewrites by UTF-8 byte offsets into the
// article body; the page works in UTF-16 strings. This cuts the body into
// pieces at those offsets, decoded back into text.

export interface ByteSpan {
  start: number;
  end: number;
}

export interface MarkedRewrite {
  span: ByteSpan;
  original: string;
  replacement: string;
  rule: string;
}

/** A run of the body: inside the claim's sentence or not, and the rewrite it is, if any. */
export interface Piece {
  text: string;
  inSentence: boolean;
  rewrite?: MarkedRewrite;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

/** The body cut at the sentence's and every rewrite's edges. */
export function pieces(body: string, sentence: ByteSpan, rewrites: MarkedRewrite[]): Piece[] {
  const bytes = encoder.encode(body);
  const length = bytes.length;
  const inside = (offset: number) => Math.max(0, Math.min(length, offset));
  // Rewrites that lie in the body, do not overlap an earlier one, in order.
  const kept: MarkedRewrite[] = [];
  for (const rewrite of [...rewrites].sort((a, b) => a.span.start - b.span.start)) {
    const { start, end } = rewrite.span;
    if (start >= end || end > length) continue;
    if (kept.length > 0 && kept[kept.length - 1].span.end > start) continue;
    kept.push(rewrite);
  }
  const cuts = new Set<number>([0, length, inside(sentence.start), inside(sentence.end)]);
  for (const rewrite of kept) {
    cuts.add(rewrite.span.start);
    cuts.add(rewrite.span.end);
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const result: Piece[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [start, end] = [sorted[i], sorted[i + 1]];
    if (start === end) continue;
    const rewrite = kept.find((candidate) => candidate.span.start === start && candidate.span.end === end);
    result.push({
      text: decoder.decode(bytes.subarray(start, end)),
      inSentence: start >= sentence.start && end <= sentence.end,
      rewrite,
    });
  }
  return result;
}
