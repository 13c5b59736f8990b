"""Performance figures of the reading pages under load, comparable from run to run."""
