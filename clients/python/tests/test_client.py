"""The Python client against a real `claimdb serve` on a free port with a temporary database.

Run from clients/python after `python3 generate.py` (or `pip install .`):

    CLAIMDB_BIN=../../target/debug/claimdb python3 -m unittest discover -s tests -v

Skipped, with the reason, when grpcio (or the generated stubs) or the claimdb binary is missing.
"""

from __future__ import annotations

import os
import pathlib
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest

HERE = pathlib.Path(__file__).resolve().parent
PACKAGE = HERE.parent
REPO = PACKAGE.parent.parent
sys.path.insert(0, str(PACKAGE))

try:
    import grpc

    import claimdb
    from claimdb.v1 import articles_pb2, claims_pb2

    MISSING = ""
except ImportError as error:  # grpcio, protobuf or the generated stubs
    MISSING = f"{error}: pip install grpcio protobuf googleapis-common-protos grpcio-tools; python3 generate.py"

MISSION = REPO / "tests" / "data" / "extract" / "2022-01-01-biden-putin-call.txt"


def claimdb_binary() -> str:
    candidates = [os.environ.get("CLAIMDB_BIN", "")]
    target = os.environ.get("CARGO_TARGET_DIR", str(REPO / "target"))
    candidates += [os.path.join(target, "debug", "claimdb"), os.path.join(target, "release", "claimdb")]
    candidates.append(shutil.which("claimdb") or "")
    return next((path for path in candidates if path and os.access(path, os.X_OK)), "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`claimdb serve` on a temporary database; the admin token it prints on first start."""

    def __init__(self, binary: str) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.addr = f"127.0.0.1:{free_port()}"
        env = dict(os.environ, RUST_LOG="info", NO_COLOR="1")
        self.process = subprocess.Popen(
            [binary, "serve", "--db", os.path.join(self.dir.name, "claimdb.sqlite"), "--addr", self.addr],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        # The token comes on standard output before the server listens.
        self.token = ""
        for line in self.process.stdout:
            if line.startswith("cdb_"):
                self.token = line.strip()
                break
        for line in self.process.stderr:
            if "claimdb serving" in line:
                break
            if "error" in line or "cannot" in line:
                raise RuntimeError(f"the server failed to start: {line}")
        else:
            raise RuntimeError("the server ended before it served")
        # Keep draining both pipes so the server never blocks on a full one.
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=lambda s=stream: [None for _ in s], daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.dir.cleanup()


@unittest.skipIf(MISSING, MISSING)
@unittest.skipUnless(claimdb_binary(), "no claimdb binary: build it (cargo build) or set CLAIMDB_BIN")
class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.server = Server(claimdb_binary())
        cls.client = claimdb.Client(cls.server.addr, token=cls.server.token)
        cls.created = cls.client.create_article(MISSION.read_text())

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()
        cls.server.stop()

    def test_health(self) -> None:
        # Health needs no token; the generic client reaches it over the same channel.
        check = self.client._channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=lambda _: b"",
            response_deserializer=lambda data: data,
        )
        self.assertEqual(check(None, timeout=10), b"\x08\x01")  # status: SERVING

    def test_create_and_list(self) -> None:
        article = self.created.article
        self.assertEqual(article.name, "articles/1")
        self.assertEqual(article.published_date, "2022-01-01")
        self.assertGreater(len(self.created.claims), 10)
        claims = list(self.client.list_claims(article="articles/1", page_size=7))
        self.assertEqual(len(claims), len(self.created.claims))
        self.assertEqual(len({claim.name for claim in claims}), len(claims), "each claim once across pages")
        # The article filters of issue 16, on both listings.
        self.assertEqual(
            [a.name for a in self.client.list_articles(filter="agency = reuters AND published_date >= 2022-01-01")],
            ["articles/1"],
        )
        self.assertEqual(list(self.client.list_articles(filter="published_date < 2021-01-01")), [])
        biden = list(self.client.list_claims(filter='speaker = "Joe Biden" AND source = reuters'))
        self.assertTrue(biden and all(claim.speaker == "Joe Biden" for claim in biden))

    def test_import(self) -> None:
        bodies = [f"The council of district {n} approved a budget of {n} million euros on Monday." for n in range(5)]
        items, summary = self.client.import_articles([*bodies, bodies[0], ""], item_ids=[f"x:{n}" for n in range(7)])
        self.assertEqual([item.item_id for item in items], [f"x:{n}" for n in range(7)])
        outcomes = [articles_pb2.ImportItemResult.Outcome.Name(item.outcome) for item in items]
        self.assertEqual(outcomes, ["CREATED"] * 5 + ["ALREADY_EXISTS", "INVALID"])
        self.assertEqual((summary.received, summary.created, summary.invalid), (7, 5, 1))

    def test_search(self) -> None:
        results = list(self.client.search_claims("sanctions"))
        self.assertTrue(results)
        self.assertTrue(all("**" in result.text_snippet + result.sentence_snippet for result in results))

    def test_acquire_review_and_release(self) -> None:
        claim = self.client.acquire_claim(filter="kind = statistic")
        kind = claim.DESCRIPTOR.fields_by_name["kind"].enum_type.values_by_number[claim.kind].name
        self.assertEqual(kind, "STATISTIC")
        self.assertTrue(claim.lease_holder, "leased to the caller")
        reviewed = self.client.submit_review(
            claim, "mostly_false", "The transcript shows otherwise.", ["https://example.org/transcript"]
        )
        self.assertEqual(claims_pb2.Verdict.Name(reviewed.claim.verdict), "MOSTLY_FALSE")
        # The etag changed: the same review again is ABORTED, nothing written.
        with self.assertRaises(claimdb.ClaimdbError) as stale:
            self.client.submit_review(claim, "TRUE", "again")
        self.assertEqual(stale.exception.code, grpc.StatusCode.ABORTED)
        held = self.client.acquire_claim()
        released = self.client.release_claim(held.name)
        self.assertEqual(released.lease_holder, "")

    def test_watch(self) -> None:
        events: queue.Queue = queue.Queue()
        stream = self.client.watch_claims(filter="status = UNREVIEWED")

        def read() -> None:
            for event in stream:
                events.put(event)
                return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # The stream is open once the server has it; create until an event comes.
        for attempt in range(50):
            self.client.create_article(f"The mayor said the budget of {attempt} towns would rise by 10% next year.")
            try:
                event = events.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        else:
            self.fail("no event came")
        self.assertEqual(claims_pb2.ClaimEvent.Type.Name(event.type), "CREATED")

    def test_errors_carry_decoded_details(self) -> None:
        with self.assertRaises(claimdb.ClaimdbError) as refused:
            list(self.client.list_articles(filter="published_date >= 2022-13-01"))
        error = refused.exception
        self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("published_date must be a date", error.message)
        self.assertEqual([violation.field for violation in error.field_violations], ["filter"])
        self.assertEqual(error.domain, "claimdb")
        with self.assertRaises(claimdb.ClaimdbError) as unauthenticated:
            claimdb.Client(self.server.addr, token="cdb_wrong").get_claim("claims/1")
        self.assertEqual(unauthenticated.exception.code, grpc.StatusCode.UNAUTHENTICATED)


if __name__ == "__main__":
    unittest.main()
