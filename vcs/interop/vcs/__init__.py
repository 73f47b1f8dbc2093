"""vcs to vcs: its own sync protocol (wire), the server (`vcs serve --stdio`), the client and its transports."""
