"""End-to-end tests: a real `hass` server, its REST and WebSocket APIs, and a browser."""
