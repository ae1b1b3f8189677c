#!/usr/bin/env python3
"""A terminal screen (text with ANSI SGR colour codes, as `tmux capture-pane -e -p` writes
it) as an HTML page of the same colours, for a headless browser to take a picture of
(scripts/editor-screenshots.sh)."""
import html
import re
import sys

BASIC = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6"]
BRIGHT = ["#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea"]
FG, BG = "#c5c8c6", "#1d1f21"


def xterm256(n):
    if n < 8:
        return BASIC[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    grey = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (grey, grey, grey)


def convert(text):
    state = {"fg": None, "bg": None, "bold": False, "italic": False, "underline": False,
             "reverse": False}
    out = []
    for part in re.split(r"(\x1b\[[0-9;]*m)", text):
        if part.startswith("\x1b["):
            codes = [int(c) if c else 0 for c in part[2:-1].split(";")]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    state.update(fg=None, bg=None, bold=False, italic=False, underline=False,
                                 reverse=False)
                elif c == 1:
                    state["bold"] = True
                elif c == 3:
                    state["italic"] = True
                elif c == 4:
                    state["underline"] = True
                elif c == 7:
                    state["reverse"] = True
                elif c == 22:
                    state["bold"] = False
                elif c == 23:
                    state["italic"] = False
                elif c == 24:
                    state["underline"] = False
                elif c == 27:
                    state["reverse"] = False
                elif 30 <= c <= 37:
                    state["fg"] = BASIC[c - 30]
                elif 90 <= c <= 97:
                    state["fg"] = BRIGHT[c - 90]
                elif 40 <= c <= 47:
                    state["bg"] = BASIC[c - 40]
                elif 100 <= c <= 107:
                    state["bg"] = BRIGHT[c - 100]
                elif c in (38, 48) and i + 1 < len(codes):
                    key = "fg" if c == 38 else "bg"
                    if codes[i + 1] == 5 and i + 2 < len(codes):
                        state[key] = xterm256(codes[i + 2])
                        i += 2
                    elif codes[i + 1] == 2 and i + 4 < len(codes):
                        state[key] = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                        i += 4
                elif c == 39:
                    state["fg"] = None
                elif c == 49:
                    state["bg"] = None
                i += 1
            continue
        if not part:
            continue
        fg, bg = state["fg"] or FG, state["bg"] or BG
        if state["reverse"]:
            fg, bg = bg, fg
        style = "color:%s;background:%s" % (fg, bg)
        if state["bold"]:
            style += ";font-weight:bold"
        if state["italic"]:
            style += ";font-style:italic"
        if state["underline"]:
            style += ";text-decoration:underline"
        out.append('<span style="%s">%s</span>' % (style, html.escape(part)))
    return "".join(out)


def main():
    screen = sys.stdin.read()
    sys.stdout.write(
        "<!doctype html><meta charset=utf-8><style>body{margin:0;background:%s}"
        "pre{margin:0;padding:8px;font:14px/1.25 'DejaVu Sans Mono',monospace}</style>"
        "<pre>%s</pre>\n" % (BG, convert(screen)))


if __name__ == "__main__":
    main()
