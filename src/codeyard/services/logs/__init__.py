"""CloudWatch Logs: log groups, log streams and log events (where build logs live)."""
