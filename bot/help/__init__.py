"""Help: the sections every command's help is built from."""
