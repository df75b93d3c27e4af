# SPDX-License-Identifier: MIT
# A horizontal bar chart as SVG, one bar per input line, drawn from a tab-separated table:
#
#   LABEL <TAB> VALUE [<TAB> MIN <TAB> MAX]     a bar of length VALUE, a whisker from MIN to MAX
#   # GROUP                                     a heading above the bars that follow
#
#   awk -v title="Real init starts" -v unit=s -f bench/chart.awk data.tsv >chart.svg
#
# Bars whose label starts with "baton" are drawn in the accent colour, the others in grey. The
# axis starts at 0 and ends at the largest value or whisker, rounded up to a readable step.

BEGIN {
	FS = "\t"
	n = 0
	top = 0
}

/^# / {
	n++
	kind[n] = "group"
	label[n] = substr($0, 3)
	next
}

NF >= 2 {
	n++
	kind[n] = "bar"
	label[n] = $1
	val[n] = $2 + 0
	lo[n] = (NF >= 4 && $3 != "") ? $3 + 0 : val[n]
	hi[n] = (NF >= 4 && $4 != "") ? $4 + 0 : val[n]
	if (hi[n] > top)
		top = hi[n]
	if (val[n] > top)
		top = val[n]
}

# The axis end: the smallest of 1, 2, 2.5, 5 times a power of ten not below x.
function nice(x, p, m) {
	if (x <= 0)
		return 1
	p = 1
	while (p * 10 < x)
		p *= 10
	while (p > x)
		p /= 10
	m = x / p
	if (m <= 1) return p
	if (m <= 2) return 2 * p
	if (m <= 2.5) return 2.5 * p
	if (m <= 5) return 5 * p
	return 10 * p
}

function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	return s
}

function fmt(v) {
	if (v >= 100) return sprintf("%.0f", v)
	if (v >= 10) return sprintf("%.1f", v)
	if (v >= 1) return sprintf("%.2f", v)
	return sprintf("%.3f", v)
}

# An axis value with as many decimals as the step between grid lines needs.
function axis(v, step) {
	if (step >= 1) return sprintf("%.0f", v)
	if (step >= 0.1) return sprintf("%.1f", v)
	return sprintf("%.2f", v)
}

END {
	left = 210; plot = 400; right = 90; rowh = 22; head = 40; foot = 30
	width = left + plot + right
	end = nice(top)
	rows = 0
	for (i = 1; i <= n; i++)
		rows++
	height = head + rows * rowh + foot
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", width, height, width, height
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
	printf "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", 10, esc(title)
	# Grid lines and their values, five steps.
	for (g = 0; g <= 5; g++) {
		x = left + plot * g / 5
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#dddddd\"/>\n", x, head - 6, x, height - foot + 4
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666666\">%s</text>\n", x, height - foot + 18, axis(end * g / 5, end / 5)
	}
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#666666\">%s</text>\n", width - 10, height - foot + 18, esc(unit)
	y = head
	for (i = 1; i <= n; i++) {
		if (kind[i] == "group") {
			printf "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>\n", y + 15, esc(label[i])
			y += rowh
			continue
		}
		colour = (label[i] ~ /^baton/) ? "#1f6fb2" : "#9a9a9a"
		w = plot * val[i] / end
		printf "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8, y + 15, esc(label[i])
		printf "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left, y + 4, w, rowh - 8, colour
		if (hi[i] > lo[i]) {
			x1 = left + plot * lo[i] / end
			x2 = left + plot * hi[i] / end
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333333\"/>\n", x1, y + rowh / 2, x2, y + rowh / 2
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333333\"/>\n", x1, y + 7, x1, y + rowh - 7
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333333\"/>\n", x2, y + 7, x2, y + rowh - 7
		}
		tx = left + plot * (hi[i] > val[i] ? hi[i] : val[i]) / end + 6
		printf "<text x=\"%.1f\" y=\"%d\">%s</text>\n", tx, y + 15, fmt(val[i])
		y += rowh
	}
	printf "</svg>\n"
}
