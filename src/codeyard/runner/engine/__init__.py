"""The buildspec execution engine: shell sessions, masking, executors and the phase state machine."""
