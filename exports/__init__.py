"""Everything that crosses the boundary as a document: Markdown charters, reports, data files."""
