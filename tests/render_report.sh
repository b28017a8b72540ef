#!/usr/bin/env bash
# Renders the report.html of a real run in headless Chromium and checks that the screenshot
# is not blank: enough distinct colours (text, the Gantt's state colours, window shading,
# chart lines) and enough non-white pixels; then dumps the DOM Chromium built (--dump-dom)
# and checks that it holds the key texts and the dates: the title, the sections, and the last
# move's end as a date with its weekday, computed here from moves.csv's `end` column; then
# runs `bottlenecks --out DIR` and checks DIR/report.html's DOM: the ranking headed
# "(simulated)", no estimate, and the factor that gains most in bottlenecks.csv first. Exit 77
# (ctest: skipped) when chromium is not installed, unless COEXLAB_REQUIRE_CHROMIUM=1 (CI, which
# installs it: there the test must run, not skip).
#
# usage: render_report.sh COEXLAB SCENARIO WORKDIR
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  if [ "${COEXLAB_REQUIRE_CHROMIUM:-0}" = 1 ]; then
    echo "render_report: chromium is not installed, and COEXLAB_REQUIRE_CHROMIUM=1" >&2
    exit 1
  fi
  echo "render_report: chromium is not installed: skipped"
  exit 77
fi
coexlab=$1 scenario=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
"$coexlab" run "$scenario" --out "$work/results" --quiet
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Everything that could reach the network is off: the page must render from the file alone.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1280,2000 \
  --screenshot="$work/report.png" "file://$work/results/report.html" >"$work/chromium.log" 2>&1 || {
  cat "$work/chromium.log"
  exit 1
}
# dump_dom PAGE OUT: the DOM Chromium builds from PAGE, into OUT.
dump_dom() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom "file://$1" >"$2" 2>"$work/chromium-dom.log" || {
    cat "$work/chromium-dom.log"
    exit 1
  }
}
dump_dom "$work/results/report.html" "$work/dom.html"

python3 - "$work/dom.html" "$work/results/moves.csv" <<'EOF'
# The DOM as the browser built it: the key texts, and the last end as a date with its weekday.
import csv, datetime, re, sys

dom = open(sys.argv[1], encoding="utf-8").read()
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert rows and "end" in rows[0], "moves.csv has no end column"
last = max(datetime.datetime.fromisoformat(r["end"]) for r in rows if r["state"] == "moved")
last_text = last.strftime("%a %Y-%m-%d %H:%M")
missing = [t for t in ["coexlab report", "Mailboxes moved over time", "Per move window",
                       "Moves by mover thread", "Database and log space",
                       "Bottleneck ranking (estimated)",
                       last_text] if t not in dom]
if missing:
    sys.exit(f"render_report: the DOM lacks {missing}")
if not re.search(r"<svg[^>]*>.*?<text[^>]*>(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ [A-Z][a-z]{2}", dom,
                 re.S):
    sys.exit("render_report: no chart axis is labelled with dates")
print(f"render_report: the DOM holds the key texts and the last end, {last_text}")
EOF

python3 - "$work/report.png" <<'EOF'
# A minimal PNG decoder (8-bit RGB or RGBA, non-interlaced: what Chromium writes): inflate
# the IDAT stream, undo the per-row filters, count colours and non-white pixels.
import struct, sys, zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG layout"
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
colours, ink = set(), 0
for y in range(height):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(line[x:x + 3])
        colours.add(px)
        if px != b"\xff\xff\xff":
            ink += 1
    prev = line
share = ink / (width * height)
print(f"render_report: {width}x{height}, {len(colours)} colours, {share:.1%} non-white")
# A blank or error page has a handful of colours and almost no ink; the report has
# anti-aliased text and charts in several colours over a good part of the page.
if len(colours) < 50 or share < 0.03:
    sys.exit("render_report: the screenshot looks blank")
EOF
echo "render_report: ok ($work/report.png)"

# Once `coexlab bottlenecks --out DIR` has run, DIR/report.html shows its simulated ranking,
# labelled so, in place of the estimate; the factor that gains most heads the table.
"$coexlab" bottlenecks "$scenario" --jobs 2 --out "$work/bottlenecks" >/dev/null
dump_dom "$work/bottlenecks/report.html" "$work/bottlenecks-dom.html"
python3 - "$work/bottlenecks-dom.html" "$work/bottlenecks/bottlenecks.csv" <<'EOF'
import csv, re, sys

dom = open(sys.argv[1], encoding="utf-8").read()
rows = [r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")) if r["gain_s"]]
top = max(rows, key=lambda r: float(r["gain_s"]))["factor"]
if "Bottleneck ranking (simulated)" not in dom or "Bottleneck ranking (estimated)" in dom:
    sys.exit("render_report: bottlenecks' report.html does not say it shows the simulated ranking")
section = dom[dom.index("Bottleneck ranking (simulated)"):]
first = re.search(r"<tr><td>([^<]*)</td>", section)
if not first or first.group(1) != top:
    sys.exit(f"render_report: the simulated ranking starts with {first and first.group(1)}, "
             f"not {top}")
print(f"render_report: bottlenecks' report.html shows the simulated ranking, {top} first")
EOF
