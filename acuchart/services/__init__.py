"""One function per user action: each opens its own unit of work and returns plain records."""
