"""The run summary and the after-action report."""
