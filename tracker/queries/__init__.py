"""Read-only questions the dashboard asks of the database.

Every function takes the caller's :class:`~sqlalchemy.orm.Session`, only reads, and returns
plain dataclasses (picklable, so the dashboard can cache them).
"""
