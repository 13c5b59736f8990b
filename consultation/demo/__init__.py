"""The demo consultation loaded by `flask demo load`."""
