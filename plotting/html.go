// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"html"
	"regexp"
	"strings"
)

// TableHTML renders the Markdown this package writes — pipe tables with an
// alignment row, and plain lines between them — as styled HTML for a
// notebook: striped rows, numeric columns right-aligned (the alignment
// row's "---:"), **bold** cells kept bold (the best value of a column), and
// every other line a paragraph. Text is escaped.
func TableHTML(markdown string) string {
	var b strings.Builder
	lines := strings.Split(strings.TrimRight(markdown, "\n"), "\n")
	for i := 0; i < len(lines); {
		line := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(line, "|") {
			if line != "" {
				b.WriteString("<p style=\"margin:0.4em 0\">" + inlineHTML(line) + "</p>\n")
			}
			i++
			continue
		}
		var block []string
		for i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|") {
			block = append(block, strings.TrimSpace(lines[i]))
			i++
		}
		writeTable(&b, block)
	}
	return b.String()
}

// tableCells splits a pipe-table line into its trimmed cells.
func tableCells(line string) []string {
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	parts := strings.Split(line, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

var alignCell = regexp.MustCompile(`^:?-{3,}:?$`)

func writeTable(b *strings.Builder, block []string) {
	header := tableCells(block[0])
	body := block[1:]
	right := make([]bool, len(header))
	if len(body) > 0 {
		align := tableCells(body[0])
		isAlign := true
		for _, a := range align {
			isAlign = isAlign && alignCell.MatchString(a)
		}
		if isAlign {
			for j, a := range align {
				if j < len(right) {
					right[j] = strings.HasSuffix(a, ":")
				}
			}
			body = body[1:]
		}
	}
	style := func(j int) string {
		s := "padding:3px 8px;border-bottom:1px solid #ddd;"
		if j < len(right) && right[j] {
			s += "text-align:right;font-variant-numeric:tabular-nums;"
		} else {
			s += "text-align:left;"
		}
		return s
	}
	b.WriteString("<table style=\"border-collapse:collapse;font-size:90%;margin:0.5em 0\">\n<thead><tr>")
	for j, h := range header {
		b.WriteString("<th style=\"" + style(j) + "border-bottom:2px solid #444;\">" + inlineHTML(h) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for k, row := range body {
		bg := ""
		if k%2 == 1 {
			bg = " style=\"background:#f6f6f6\""
		}
		b.WriteString("<tr" + bg + ">")
		for j, c := range tableCells(row) {
			b.WriteString("<td style=\"" + style(j) + "\">" + inlineHTML(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
}

var bold = regexp.MustCompile(`\*\*(.+?)\*\*`)

// inlineHTML escapes text and turns **x** into bold.
func inlineHTML(s string) string {
	return bold.ReplaceAllString(html.EscapeString(s), "<b>$1</b>")
}
