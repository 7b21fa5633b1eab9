"""Runs a simulated exercise: truth and sensors on one side, one national node per nation on the other."""
