"""Server-rendered pages (Jinja + HTMX) for signatory cities, secretariats and civil society."""
