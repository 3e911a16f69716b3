"""CodeBuild: build projects (builds come with the runner)."""
