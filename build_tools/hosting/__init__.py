"""What the built site needs from the web server that hosts it, written by the build itself:
precompressed files (compress.py), cache rules shared by every server (policy.py), the
configuration files of servers that read one from the site folder (server_files.py), and the
offline service worker and web app manifest (offline.py, icons.py)."""
