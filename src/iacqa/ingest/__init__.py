"""Turn a task directory, project directory or response .md into files on disk."""
