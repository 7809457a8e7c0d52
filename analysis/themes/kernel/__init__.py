"""themes/kernel."""
