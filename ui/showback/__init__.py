"""Showback in the window and on paper: the Showback page, the statements PDF, and the
`showback` command (which renders the PDF with Qt, offscreen)."""
