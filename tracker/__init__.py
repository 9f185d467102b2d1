"""The composition root: the application factory, authentication wiring and the command line."""
