"""The kernel at the bottom of the house: an HTTP-free error root, small caches, file hashing and reprojection.

Every app may import ``core``; ``core`` imports no app and no web framework.
"""
