"""Users, roles, local accounts and sessions."""
