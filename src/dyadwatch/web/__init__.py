"""The dashboard: Jinja2 templates, static files, the SVG chart and the page routes.

`pages.install(app, server)` adds it to the API's app (see api/app.py).
"""
