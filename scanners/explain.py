"""Why a frame gave no code: what was found in it, in words a user can act on."""

from __future__ import annotations

from scanners.decode import Region

MIN_MODULE_PX = 1.3  # narrower bars are too small to read, however sharp
BLUR_RATIO = 0.6  # edges spread over this share of the (over-estimated) bar width: blurred
MIN_BLUR_PX = 2.5  # and over at least this many pixels


def reason(region: Region) -> str:
    """One sentence about a located 1-D region that could not be read."""
    x, y = region.centre
    where = f"a 1-D code region at {x},{y}"
    if region.cut_off:
        return f"{where}: cut off at the edge of the picture; move the whole label into view"
    if region.module_px < MIN_MODULE_PX:
        return (f"{where}: too small (bars about {region.module_px:.1f} px wide, "
                f"{MIN_MODULE_PX} px needed); hold it closer or print it larger")
    if region.blur_px > max(MIN_BLUR_PX, BLUR_RATIO * region.module_px):
        return (f"{where}: too blurred (each edge spread over {region.blur_px:.1f} px); hold "
                "it still, a little further from a camera that cannot focus close")
    if region.tentative:
        return (f"{where}: read as {region.tentative[0].text!r} only once, not confirmed; "
                "hold it still for a moment")
    return (f"{where}: not readable (damaged, glare, or a symbology that is not enabled "
            "in --formats)")


def explain(regions: list[Region]) -> list[str]:
    """One line per located region, or one saying nothing was found."""
    if not regions:
        return ["no code and no barcode-like region found; is the code in the picture, "
                "in focus and lit?"]
    return [reason(r) for r in regions]
