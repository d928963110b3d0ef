"""Storage: engine and sessions, typed models, repositories and migrations."""
