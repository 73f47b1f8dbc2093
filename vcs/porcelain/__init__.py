"""What the commands do: plain data in and out, never printing."""
