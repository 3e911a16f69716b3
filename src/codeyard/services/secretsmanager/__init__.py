"""Secrets Manager: secrets with versions and stages, values sealed at rest."""
