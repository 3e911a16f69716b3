"""Persistence: ports the services use, and their SQL implementation."""
