"""The build runner: a separate program that runs buildspecs (it imports only
codeyard.execution.messages from the server side, so it installs without the server)."""
