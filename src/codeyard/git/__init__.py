"""Git hosting: repositories on disk (pygit2 and the git binary), smart HTTP and SSH access."""
