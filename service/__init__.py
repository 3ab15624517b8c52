"""The HTTP service: ``create_app(settings)`` in ``service.app``; run it with ``kdrama serve``.

Importing this package loads nothing and creates no app.
"""
