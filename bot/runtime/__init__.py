"""The runtime: settings, the app factory, the HTTP server, the scheduler and the `partnerbot` command."""
