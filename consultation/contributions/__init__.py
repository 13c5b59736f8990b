"""Contributions on chapters and sections: submitting, reading, attachments."""
