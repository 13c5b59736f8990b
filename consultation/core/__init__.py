"""What every domain uses: sanitising, time, dates, Markdown, roles and errors."""
