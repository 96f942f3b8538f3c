"""Reading seeker, vacancy and outcome files with validation and quarantine."""
