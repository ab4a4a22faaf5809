// The console's only way to the server: gRPC-Web to its own origin, with
// the token as `authorization` metadata on every call (never in a URL).

import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { ArticleService } from "./gen/claimdb/v1/articles_pb.js";
import { ClaimService } from "./gen/claimdb/v1/claims_pb.js";
import { ReviewService } from "./gen/claimdb/v1/reviews_pb.js";

const TOKEN_KEY = "claimdb.token";

/** The token of this tab's session: kept in session storage, gone when the tab closes. */
export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, value);
  },
};

const authorization: Interceptor = (next) => async (request) => {
  const token = session.token;
  if (token !== null) request.header.set("authorization", `Bearer ${token}`);
  return next(request);
};

const transport = createGrpcWebTransport({
  baseUrl: location.origin,
  useBinaryFormat: true,
  interceptors: [authorization],
});

export const articles = createClient(ArticleService, transport);
export const claims = createClient(ClaimService, transport);
export const reviews = createClient(ReviewService, transport);

export { Code, ConnectError };

/** What went wrong with a call, in words for the reviewer (the server's message names the field). */
export function describe(error: unknown): string {
  if (error instanceof ConnectError) {
    const code = Code[error.code] ?? String(error.code);
    return `${error.rawMessage} (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The gRPC code of a failed call, if it is one. */
export function codeOf(error: unknown): Code | undefined {
  return error instanceof ConnectError ? error.code : undefined;
}
