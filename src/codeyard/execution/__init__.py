"""The server side of remote work: the job queue, the work API runners long-poll, the scheduler."""
