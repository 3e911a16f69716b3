"""CodeBuild reports: test results and code coverage read from the files a build leaves."""
