"""Shared pieces every feature uses: roles, permissions, audit log, notifications, mail, errors."""
