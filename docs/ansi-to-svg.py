#!/usr/bin/env python3
"""Turn a terminal capture with ANSI colours (`tmux capture-pane -e -p`) into an SVG.

    tmux capture-pane -e -p -t PANE | python3 docs/ansi-to-svg.py > docs/top.svg

Understands what a capture holds: SGR resets, bold, dim, underline, reverse, the 16
colours, 256-colour and 24-bit colours. Each run of cells with one style becomes one
<text> at its column, so the grid stays exact whatever the font's widths.
"""
import html
import re
import sys

CELL_W, CELL_H, FONT = 8.4, 17, 14
FG, BG = "#d0d0d0", "#1c1c1c"
BASE = [
    "#1c1c1c", "#d75f5f", "#5faf5f", "#d7af5f", "#5f87d7", "#af5fd7", "#5fafd7", "#d0d0d0",
    "#6c6c6c", "#ff8787", "#87d787", "#ffd787", "#87afff", "#d787ff", "#87d7ff", "#ffffff",
]


def color256(n):
    if n < 16:
        return BASE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def apply(style, params):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style = {}
        elif c in (1, 2, 4, 7):
            style = {**style, c: True}
        elif c in (22, 24, 27):
            style = {k: v for k, v in style.items() if k != {22: 1, 24: 4, 27: 7}[c]}
        elif 30 <= c <= 37 or 90 <= c <= 97:
            style = {**style, "fg": BASE[c - 30 if c < 90 else c - 82]}
        elif 40 <= c <= 47 or 100 <= c <= 107:
            style = {**style, "bg": BASE[c - 40 if c < 100 else c - 92]}
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                style = {**style, key: color256(codes[i + 2])}
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                style = {**style, key: "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])}
                i += 4
        elif c == 39:
            style = {k: v for k, v in style.items() if k != "fg"}
        elif c == 49:
            style = {k: v for k, v in style.items() if k != "bg"}
        i += 1
    return style


def cells(line):
    """(char, style) for every cell of a captured line."""
    style, out = {}, []
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
        if m:
            style = apply(style, m.group(1))
        else:
            out.extend((ch, style) for ch in part)
    return out


def main():
    lines = sys.stdin.read().rstrip("\n").split("\n")
    width = max((len(cells(l)) for l in lines), default=0)
    body = []
    for y, line in enumerate(lines):
        row = cells(line)
        x = 0
        while x < len(row):
            style = row[x][1]
            end = x
            while end < len(row) and row[end][1] == style:
                end += 1
            text = "".join(ch for ch, _ in row[x:end])
            fg, bg = style.get("fg", FG), style.get("bg")
            if style.get(7):
                fg, bg = bg or BG, fg
            if bg:
                body.append(
                    f'<rect x="{x * CELL_W:.1f}" y="{y * CELL_H}" width="{(end - x) * CELL_W:.1f}" '
                    f'height="{CELL_H}" fill="{bg}"/>'
                )
            if text.strip():
                attrs = f'fill="{fg}"'
                if style.get(1):
                    attrs += ' font-weight="bold"'
                if style.get(2):
                    attrs += ' opacity="0.6"'
                if style.get(4):
                    attrs += ' text-decoration="underline"'
                body.append(
                    f'<text x="{x * CELL_W:.1f}" y="{y * CELL_H + FONT}" {attrs} '
                    f'xml:space="preserve">{html.escape(text)}</text>'
                )
            x = end
    w, h = width * CELL_W, len(lines) * CELL_H
    print(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h}" '
        f'viewBox="0 0 {w:.0f} {h}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
        f'font-size="{FONT}">'
    )
    print(f'<rect width="100%" height="100%" fill="{BG}"/>')
    print("\n".join(body))
    print("</svg>")


if __name__ == "__main__":
    main()
