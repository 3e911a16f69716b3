"""Codeyard: the self-hosted AWS developer-tools platform."""

__version__ = "0.1.0"
