"""Small reusable widgets: message bar, search box, pills, detail pane parts, tables."""
