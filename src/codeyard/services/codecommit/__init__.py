"""CodeCommit: repositories, branches, files, commits, differences, merges, pull requests,
approval rules and templates, comments. Git objects are reached through store.ports.git."""
