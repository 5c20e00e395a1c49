"""Input devices and decoding: what a scanner sent, and what it means.

Every device delivers the same ``scan.Scan(text, symbology, source, at)`` by a
Qt signal on the main thread:

- ``wedge.WedgeFilter``: USB keyboard-wedge scanners, told from typing by prefix or timing;
- ``serial_reader.SerialScanner``: serial / USB-CDC scanners, reconnecting on replug;
- ``camera.CameraScanner``: a webcam, video or image file, decoded with ``decode``.

``decode.decode_image`` reads the codes in an image; ``parse.parse_scan`` says
what a scan is (command, GS1, URL, JSON, plain). Resolving a code against the
data is ``inventory``'s job; this package imports neither ``inventory`` nor ``ui``.
"""
