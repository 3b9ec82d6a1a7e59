"""Tokens. A secret handed out once is stored only as its digest (API tokens, calendar feeds);
a personal link names a record by its number signed with the secret key (a parent's booking), so
that nothing secret is stored at all."""

import hashlib

from django.core.signing import BadSignature, Signer


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignedId:
    """A record's number, signed: a forged or altered token fails the signature. The salt keeps
    the links of one kind from opening those of another."""

    def __init__(self, salt: str):
        self.signer = Signer(salt=salt, sep=".")

    def sign(self, pk: int) -> str:
        return self.signer.sign(str(pk))

    def unsign(self, token: str) -> int | None:
        """The number, or None when the token is not one of ours."""
        try:
            return int(self.signer.unsign(token or ""))
        except (BadSignature, ValueError):
            return None
