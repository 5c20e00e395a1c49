"""ZPL II for Zebra printers: one ^XA...^XZ block per label, sized for the layout's label
at the printer's resolution (203 dpi unless told). The printer draws the symbols itself
(^BC Code 128, ^BQ QR, ^BX DataMatrix); text sits below or beside them in field blocks
that never reach into the symbol's quiet zone. Needs no display and no Qt."""

from __future__ import annotations

from collections.abc import Sequence

from .content import LabelContent
from .layouts import LabelLayout
from .symbols import LabelError, encode

MIN_MODULE_MM = 0.19
GAP_MM = 1.0
TEXT_MM = (1.4, 3.2)


def escape(text: str) -> str:
    """Field data with ^FH_: the characters ZPL would read as commands, as hex."""
    out = []
    for ch in text:
        if ch in "^~_\\" or ord(ch) < 32:
            out.append("".join(f"_{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def _field(x: int, y: int, body: str, data: str) -> str:
    return f"^FO{x},{y}{body}^FH_^FD{escape(data)}^FS"


def label_zpl(content: LabelContent, layout: LabelLayout, symbology: str = "code128",
              dpi: int = 203) -> str:
    k = dpi / 25.4
    w, h = round(layout.label_w * k), round(layout.label_h * k)
    pad = round(layout.padding * k)
    inner_w, inner_h = w - 2 * pad, h - 2 * pad
    gap = round(GAP_MM * k)
    symbol = encode(content.code, symbology)
    lines = [f"^XA^CI28^PW{w}^LL{h}^LH0,0"]
    if symbol.linear or inner_w <= 1.6 * inner_h:
        line_h = round(max(TEXT_MM[0] * k, min(TEXT_MM[1] * k, inner_h * 0.17)))
        n_text = 2 if content.detail else 1
        room = inner_h - n_text * line_h - gap
        if symbol.linear:
            edge = round(0.5 * k)  # quiet zones may use the blank padding
            module = min(inner_w // symbol.modules.shape[1], (w - 2 * edge) // symbol.width,
                         round(0.6 * k))
            if module < 1 or module < MIN_MODULE_MM * k - 1e-6:
                raise LabelError(f"'{content.code}' is too long for Code 128 on this label at "
                                 f"{dpi} dpi. Choose QR or DataMatrix, or a larger label.")
            sym_w, sym_h = symbol.width * module, room
            x = (w - sym_w) // 2 + symbol.quiet * module
            lines.append(_field(x, pad, f"^BY{module},3,{sym_h}^BCN,{sym_h},N,N,N,A",
                                content.code))
        else:
            module = max(1, min(room, inner_w) // max(symbol.width, symbol.height))
            sym_w, sym_h = symbol.width * module, symbol.height * module
            x = pad + (inner_w - sym_w) // 2 + symbol.quiet * module
            lines.append(_symbol_2d(symbology, x, pad + symbol.quiet * module, module,
                                    content.code))
        y = pad + sym_h + gap
        lines.append(_field(pad, y, f"^A0N,{line_h},{line_h}^FB{inner_w},1,0,C",
                            content.code))
        if content.detail:
            small = round(line_h * 0.85)
            lines.append(_field(pad, y + line_h, f"^A0N,{small},{small}^FB{inner_w},1,0,C",
                                content.detail))
    else:
        module = max(1, inner_h // symbol.height)
        sym_w, sym_h = symbol.width * module, symbol.height * module
        top = pad + (inner_h - sym_h) // 2
        lines.append(_symbol_2d(symbology, pad + symbol.quiet * module,
                                top + symbol.quiet * module, module, content.code))
        tx = pad + sym_w + gap
        line_h = round(max(TEXT_MM[0] * k, min(3.4 * k, inner_h * 0.24)))
        rows = max(1, inner_h // line_h - 1)
        y = pad + (inner_h - line_h * (1 + (rows if content.detail else 0))) // 2
        lines.append(_field(tx, y, f"^A0N,{line_h},{line_h}^FB{w - pad - tx},1,0,L",
                            content.code))
        if content.detail:
            small = round(line_h * 0.8)
            lines.append(_field(tx, y + line_h,
                                f"^A0N,{small},{small}^FB{w - pad - tx},{rows},0,L",
                                content.detail))
    lines.append("^PQ1^XZ")
    return "\n".join(lines) + "\n"


def _symbol_2d(symbology: str, x: int, y: int, module: int, data: str) -> str:
    if symbology == "qr":
        # ^BQ: model 2, magnification = module dots; field data "MA,": error level M, auto
        return f"^FO{x},{y}^BQN,2,{min(module, 10)}^FH_^FDMA,{escape(data)}^FS"
    return _field(x, y, f"^BXN,{module},200", data)


def labels_zpl(contents: Sequence[LabelContent], layout: LabelLayout,
               symbology: str = "code128", dpi: int = 203) -> str:
    if not contents:
        raise LabelError("No labels to print: nothing matched the filter.")
    return "".join(label_zpl(c, layout, symbology, dpi) for c in contents)
