"""One package per AWS service; each has api.py, its resources and errors.py."""
