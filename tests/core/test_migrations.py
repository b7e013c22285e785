"""The migrations build exactly the schema the models describe, so a model change without its
migration (or a migration that drifts from the models) fails here rather than in production."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.extensions import db


def test_the_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
