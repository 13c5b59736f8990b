"""Back office: consultations, batches, chapters and their schedule."""
