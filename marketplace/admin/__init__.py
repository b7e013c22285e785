"""Admin screens: registrations, accounts, audit log and outbox. They call other features' operations."""
