"""A small typed wrapper over claimdb's generated stubs: the token on every call, paging
iterators, the import stream, and errors with their field violations decoded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence, TypeVar, Union

import grpc
from google.rpc import error_details_pb2, status_pb2

from claimdb.v1 import (
    articles_pb2,
    articles_pb2_grpc,
    claims_pb2,
    claims_pb2_grpc,
    reviews_pb2,
    reviews_pb2_grpc,
)

T = TypeVar("T")
Page = TypeVar("Page")


@dataclass(frozen=True)
class FieldViolation:
    """One field of a request the server refused, and why."""

    field: str
    description: str


@dataclass
class ClaimdbError(Exception):
    """A call the server refused: its gRPC code, message and decoded details."""

    code: grpc.StatusCode
    message: str
    field_violations: list[FieldViolation] = field(default_factory=list)
    reason: str = ""
    domain: str = ""

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError) -> "ClaimdbError":
        """Decodes `grpc-status-details-bin` (a google.rpc.Status) when the server sent it."""
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        result = cls(code=code, message=message or "")
        trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
        for key, value in trailers or ():
            if key != "grpc-status-details-bin":
                continue
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                    bad_request = error_details_pb2.BadRequest()
                    detail.Unpack(bad_request)
                    result.field_violations.extend(
                        FieldViolation(violation.field, violation.description)
                        for violation in bad_request.field_violations
                    )
                elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                    info = error_details_pb2.ErrorInfo()
                    detail.Unpack(info)
                    result.reason, result.domain = info.reason, info.domain
        return result


ArticleInput = Union[str, articles_pb2.Article]


def _article(article: ArticleInput) -> articles_pb2.Article:
    return articles_pb2.Article(body=article) if isinstance(article, str) else article


class Client:
    """A connection to one claimdb server, calling with one token.

    Every method raises `ClaimdbError` for a refused call. Listing methods
    are iterators that follow `next_page_token` to the end.
    """

    def __init__(
        self,
        target: str = "127.0.0.1:50051",
        token: Optional[str] = None,
        *,
        channel: Optional[grpc.Channel] = None,
        timeout: Optional[float] = 30.0,
    ) -> None:
        self._channel = channel or grpc.insecure_channel(target)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._timeout = timeout
        self.articles = articles_pb2_grpc.ArticleServiceStub(self._channel)
        self.claims = claims_pb2_grpc.ClaimServiceStub(self._channel)
        self.reviews = reviews_pb2_grpc.ReviewServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _call(self, method: Callable[..., T], request: object, *, timeout: Optional[float] = None) -> T:
        try:
            return method(request, metadata=self._metadata, timeout=timeout or self._timeout)
        except grpc.RpcError as error:
            raise ClaimdbError.from_rpc_error(error) from None

    def _pages(
        self,
        method: Callable[..., Page],
        make_request: Callable[[str], object],
        items: Callable[[Page], Sequence[T]],
    ) -> Iterator[T]:
        page_token = ""
        while True:
            page = self._call(method, make_request(page_token))
            yield from items(page)
            page_token = page.next_page_token  # type: ignore[attr-defined]
            if not page_token:
                return

    # Articles.

    def create_article(self, article: ArticleInput) -> articles_pb2.CreateArticleResponse:
        """Stores an article (a body, or an Article with its metadata) and its claims."""
        return self._call(
            self.articles.CreateArticle, articles_pb2.CreateArticleRequest(article=_article(article))
        )

    def get_article(self, name: str) -> articles_pb2.Article:
        return self._call(self.articles.GetArticle, articles_pb2.GetArticleRequest(name=name))

    def list_articles(self, filter: str = "", page_size: int = 0) -> Iterator[articles_pb2.Article]:
        """Every article matching `filter` (article fields only), oldest first."""
        return self._pages(
            self.articles.ListArticles,
            lambda token: articles_pb2.ListArticlesRequest(
                filter=filter, page_size=page_size, page_token=token
            ),
            lambda page: page.articles,
        )

    def import_articles(
        self, articles: Iterable[ArticleInput], *, dry_run: bool = False, item_ids: Optional[Iterable[str]] = None
    ) -> tuple[list[articles_pb2.ImportItemResult], articles_pb2.ImportSummary]:
        """Sends `articles` over one ImportArticles stream; returns each item's answer, in
        order, and the summary. `item_ids` name the items (default: their index)."""
        ids = iter(item_ids) if item_ids is not None else None

        def requests() -> Iterator[articles_pb2.ImportArticlesRequest]:
            for index, article in enumerate(articles):
                item_id = next(ids) if ids is not None else str(index)
                yield articles_pb2.ImportArticlesRequest(
                    item_id=item_id, article=_article(article), dry_run=dry_run
                )

        items: list[articles_pb2.ImportItemResult] = []
        summary = None
        try:
            for answer in self.articles.ImportArticles(requests(), metadata=self._metadata):
                if answer.HasField("item"):
                    items.append(answer.item)
                elif answer.HasField("summary"):
                    summary = answer.summary
        except grpc.RpcError as error:
            raise ClaimdbError.from_rpc_error(error) from None
        if summary is None:
            raise ClaimdbError(grpc.StatusCode.UNKNOWN, "the server ended the import without a summary")
        return items, summary

    # Claims.

    def get_claim(self, name: str) -> claims_pb2.Claim:
        return self._call(self.claims.GetClaim, claims_pb2.GetClaimRequest(name=name))

    def list_claims(
        self, filter: str = "", order_by: str = "", article: str = "", page_size: int = 0
    ) -> Iterator[claims_pb2.Claim]:
        """Every claim matching `filter`, in `order_by` (default oldest first)."""
        return self._pages(
            self.claims.ListClaims,
            lambda token: claims_pb2.ListClaimsRequest(
                filter=filter, order_by=order_by, article=article, page_size=page_size, page_token=token
            ),
            lambda page: page.claims,
        )

    def search_claims(
        self, query: str, filter: str = "", page_size: int = 0
    ) -> Iterator[claims_pb2.SearchResult]:
        """Full-text search, best first."""
        return self._pages(
            self.claims.SearchClaims,
            lambda token: claims_pb2.SearchClaimsRequest(
                query=query, filter=filter, page_size=page_size, page_token=token
            ),
            lambda page: page.results,
        )

    def watch_claims(self, filter: str = "") -> Iterator[claims_pb2.ClaimEvent]:
        """Claim events from now on, until the caller stops iterating (or cancels)."""
        stream = self.claims.WatchClaims(claims_pb2.WatchClaimsRequest(filter=filter), metadata=self._metadata)
        try:
            yield from stream
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.CANCELLED:  # type: ignore[attr-defined]
                raise ClaimdbError.from_rpc_error(error) from None
        finally:
            stream.cancel()

    # Reviews.

    def acquire_claim(self, filter: str = "") -> claims_pb2.Claim:
        """Leases the most check-worthy queued claim matching `filter` to the caller."""
        return self._call(self.reviews.AcquireClaim, reviews_pb2.AcquireClaimRequest(filter=filter)).claim

    def release_claim(self, name: str) -> claims_pb2.Claim:
        return self._call(self.reviews.ReleaseClaim, reviews_pb2.ReleaseClaimRequest(name=name))

    def submit_review(
        self,
        claim: claims_pb2.Claim,
        verdict: Union[str, int],
        rationale: str,
        evidence_urls: Sequence[str] = (),
    ) -> reviews_pb2.SubmitReviewResponse:
        """Reviews `claim` as read (its name and etag); `verdict` by name (`"FALSE"`) or number."""
        number = claims_pb2.Verdict.Value(verdict.upper()) if isinstance(verdict, str) else verdict
        return self._call(
            self.reviews.SubmitReview,
            reviews_pb2.SubmitReviewRequest(
                claim=claim.name,
                etag=claim.etag,
                verdict=number,
                rationale=rationale,
                evidence_urls=list(evidence_urls),
            ),
        )
