"""Users, organisations, sign-in, registration, approval and invitations."""
