"""Moderation: the queue of contributions, charter decisions and official answers."""
