""""Who can help with X": understanding the question, ranking the directory and partners, recording unmet needs."""
