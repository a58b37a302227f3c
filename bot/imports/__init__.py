"""Importing a network from spreadsheets: venues and members from CSV, checked whole before writing.

`csv_reader` reads a header and rows with line numbers (shared by both imports); `venues` converts
and validates venue rows (our columns, or the national CGET open data); `members` parses, checks and
writes members with their skills and claim codes.
"""
