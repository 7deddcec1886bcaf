"""The resource directory: logging, merging, editing and stewarding community resources; import and export."""
