"""claimdb's Python client: the generated stubs (`claimdb.v1`) and a small typed wrapper.

    import claimdb
    with claimdb.Client("127.0.0.1:50051", token=os.environ["CLAIMDB_TOKEN"]) as client:
        for claim in client.list_claims(filter="status = UNREVIEWED"):
            print(claim.name, claim.text)
"""

from claimdb.client import Client, ClaimdbError, FieldViolation

__all__ = ["Client", "ClaimdbError", "FieldViolation"]
