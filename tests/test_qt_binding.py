"""The Qt binding we ship survives a day of scanning: many signal emits, no refcount loss."""

import subprocess
import sys

CODE = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(["-platform", "offscreen"])
label = QLabel()
class P(QObject):
    ping = Signal()
    value = Signal(object)
p = P()
t, n = sys.getrefcount(True), sys.getrefcount(None)
for _ in range(5000):
    p.ping.emit()
    p.value.emit(None)
    label.setText("x")  # a method returning nothing
print(t - sys.getrefcount(True), n - sys.getrefcount(None))
"""


def test_signal_emit_keeps_references():
    r = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.split() == ["0", "0"]
