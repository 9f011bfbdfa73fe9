"""Bearer tokens: a name, scopes and the SHA-256 of the secret (never the secret itself)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from webapp.storage.tables import api_token


@dataclass(frozen=True, slots=True)
class Token:
    """A token as the site knows it: who it is for and what it may do."""

    name: str
    scopes: frozenset[str]
    created_at: datetime


def _token(row: sa.Row) -> Token:
    return Token(row.name, frozenset(row.scopes.split()), row.created_at)


def insert(
    connection: Connection, *, name: str, secret_hash: str, scopes: frozenset[str], now: datetime
) -> bool:
    """Keep a new token; False when the name is taken."""
    taken = connection.execute(sa.select(api_token.c.id).where(api_token.c.name == name)).first()
    if taken is not None:
        return False
    connection.execute(
        api_token.insert().values(
            name=name, secret_hash=secret_hash, scopes=" ".join(sorted(scopes)), created_at=now
        )
    )
    return True


def find(connection: Connection, secret_hash: str) -> tuple[str, Token] | None:
    """The stored hash and the token whose secret hashes to ``secret_hash``, if any."""
    row = connection.execute(
        sa.select(api_token).where(api_token.c.secret_hash == secret_hash)
    ).first()
    return None if row is None else (row.secret_hash, _token(row))


def every(connection: Connection) -> list[Token]:
    rows = connection.execute(sa.select(api_token).order_by(api_token.c.name))
    return [_token(row) for row in rows]


def delete(connection: Connection, name: str) -> bool:
    """Forget the token ``name``; False if there was none."""
    return connection.execute(api_token.delete().where(api_token.c.name == name)).rowcount == 1
