"""The Qt user interface. Widgets call service functions; they never build queries."""
