"""The site's legal and information pages, linked from the footer."""
