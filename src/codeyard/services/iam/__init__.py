"""IAM: users, groups, roles, keys, credentials and policies, and the policy engine."""
