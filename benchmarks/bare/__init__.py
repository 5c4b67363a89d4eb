"""Bare hello-world apps, one per framework, served the way each starter's production mode is."""
