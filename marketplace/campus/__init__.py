"""The Virtual Campus: a person's own view of their record, their CV, and the messages to employers
that their case manager checks first."""
