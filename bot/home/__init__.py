"""The App Home tab: a person's recent resources, upcoming conferences and successes."""
