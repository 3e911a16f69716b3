"""SSM Parameter Store: String, StringList and SecureString parameters with versions and labels."""
