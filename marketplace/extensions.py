"""Extensions, created unbound and initialised in the application factory."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names let Alembic's batch mode (needed for ALTER TABLE on SQLite) find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Table, "after_parent_attach")
def _ids_are_never_reused(table, parent) -> None:
    """The audit log and the search index's log name records by id, so an id must never be handed out
    twice. SQLite otherwise gives the next row the highest id + 1, which is a deleted row's id when the
    newest row was deleted; AUTOINCREMENT remembers the highest id ever used (migration
    0020_ids_never_reused). PostgreSQL's sequences never go back, and ignore this option."""
    if parent is Base.metadata:
        table.dialect_kwargs["sqlite_autoincrement"] = True


# The highest page number a list is asked for: a larger one (an edited address) would make an OFFSET
# that SQLite and PostgreSQL refuse with an error; any page past the last is shown empty anyway.
MAX_PAGE = 1_000_000


class Database(SQLAlchemy):
    def paginate(self, select, *, page=None, **kwargs):
        if page is not None:
            page = min(page, MAX_PAGE)
        return super().paginate(select, page=page, **kwargs)


db = Database(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate(render_as_batch=True, compare_type=True)
