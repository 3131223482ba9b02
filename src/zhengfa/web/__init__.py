"""Web shell: login, a home page per role, the map, language switch, health check."""
