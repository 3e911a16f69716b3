"""The SQL store: SQLAlchemy Core tables, repositories and the unit of work."""
