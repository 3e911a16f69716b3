"""STS: caller identity, session tokens and assumed roles."""
