"""Tests of the server side of remote work."""
