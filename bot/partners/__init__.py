"""The partner registry: organizations, their services, contacts, channels, agreements and capacity."""
