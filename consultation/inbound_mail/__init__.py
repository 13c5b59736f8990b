"""Mail sent to the consultation: ingested, parsed defensively, triaged and published."""
