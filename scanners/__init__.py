"""Input devices and decoding: keyboard wedge, serial, camera, decoders, scan parsing."""

import os

# OpenCV's FFmpeg backend prints its own complaints about unreadable files to stderr;
# Stockroom reports those itself, in one line ("not an image or video file").
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
