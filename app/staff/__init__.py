"""Departments and their representatives."""
