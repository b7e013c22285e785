"""ids are never reused

Revision ID: 0020_ids_never_reused
Revises: 0016_funding
Create Date: 2026-12-06 22:40:00

The audit log names records by id ("viewed conviction 7", subject participants 42), and the search
index follows index_tasks by id. SQLite without AUTOINCREMENT hands out the highest id + 1, so when the
newest row is deleted (a conviction removed, a person erased, the index log pruned) the next row gets
its id and old audit rows then point at a different record. AUTOINCREMENT keeps the highest id ever
used (in sqlite_sequence), which only a rebuilt table can take on; PostgreSQL's sequences never hand
an id out twice, so there is nothing to do there.

The rebuild runs with foreign keys off (migrations/env.py): dropping the old table with them on would
delete or null every row that refers to it.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0020_ids_never_reused'
down_revision = '0016_funding'
branch_labels = None
depends_on = None


def _tables_with_integer_ids(bind) -> list[str]:
    inspector = sa.inspect(bind)
    names = []
    for name in inspector.get_table_names():
        if name == "alembic_version":
            continue
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        referring = {column for fk in inspector.get_foreign_keys(name) for column in fk["constrained_columns"]}
        types = {c["name"]: c["type"] for c in inspector.get_columns(name)}
        # A key of its own (a profile keyed by its organisation's id has nothing to hand out).
        if len(key) == 1 and isinstance(types[key[0]], sa.Integer) and key[0] not in referring:
            names.append(name)
    return sorted(names)


def _rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for name in _tables_with_integer_ids(bind):
        with op.batch_alter_table(name, recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass


def upgrade():
    _rebuild(autoincrement=True)


def downgrade():
    _rebuild(autoincrement=False)
