// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"html"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

const indexAbout = `Writes OUT/index.html, one page for readers: a link to every executed
notebook exported to HTML (OUT/html/<folder>/<name>.html, as make reproduce
writes them) and to every figure and table (OUT/figures/*.png, .svg, .md),
the figures shown as thumbnails. make reproduce runs it last.`

func runIndex(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("index", indexAbout, "parachute index --out out")
	out := fs.String("out", "", "the output folder of make reproduce (required)")
	if err := fs.parse(args, stdout, stderr, required("out"), existingDir("out", out, "the output folder of make reproduce")); err != nil {
		return err
	}
	page, n, err := indexPage(*out)
	if err != nil {
		return err
	}
	path := filepath.Join(*out, "index.html")
	if err := atomicfile.Write(path, []byte(page)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d notebooks, %d figures and tables\n", path, n[0], n[1])
	return nil
}

// indexPage builds the page and counts the notebooks and the figure files.
func indexPage(out string) (string, [2]int, error) {
	var n [2]int
	notebooks, err := filepath.Glob(filepath.Join(out, "html", "*", "*.html"))
	if err != nil {
		return "", n, err
	}
	var figs []string
	for _, ext := range []string{"png", "svg", "md"} {
		m, err := filepath.Glob(filepath.Join(out, "figures", "*."+ext))
		if err != nil {
			return "", n, err
		}
		figs = append(figs, m...)
	}
	if len(notebooks) == 0 && len(figs) == 0 {
		return "", n, fmt.Errorf("%s holds no html/*/*.html and no figures/*: run make reproduce first", out)
	}
	slices.Sort(notebooks)
	slices.Sort(figs)
	rel := func(p string) string { r, _ := filepath.Rel(out, p); return filepath.ToSlash(r) }
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>goparachute: executed notebooks and figures</title>
<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}li{margin:0.2em 0}
.figs{display:flex;flex-wrap:wrap;gap:12px}.fig{width:220px;font-size:85%}.fig img{width:220px;border:1px solid #ddd}</style></head><body>
<h1>goparachute: executed notebooks and figures</h1>
`)
	fmt.Fprintf(&b, "<p>Written by <code>make reproduce</code> on %s. Every number comes from the notebooks' runs on the data they name (synthetic cohorts unless stated).</p>\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	folder := ""
	for _, nb := range notebooks {
		f := filepath.Base(filepath.Dir(nb))
		if f != folder {
			if folder != "" {
				b.WriteString("</ul>\n")
			}
			fmt.Fprintf(&b, "<h2>%s</h2>\n<ul>\n", html.EscapeString(f))
			folder = f
		}
		name := strings.TrimSuffix(filepath.Base(nb), ".html")
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(rel(nb)), html.EscapeString(name))
		n[0]++
	}
	if folder != "" {
		b.WriteString("</ul>\n")
	}
	b.WriteString("<h2>Figures and tables</h2>\n<div class=\"figs\">\n")
	for _, f := range figs {
		name := filepath.Base(f)
		switch filepath.Ext(f) {
		case ".png":
			fmt.Fprintf(&b, "<div class=\"fig\"><a href=\"%s\"><img src=\"%s\" alt=\"%s\"></a><br>%s</div>\n",
				html.EscapeString(rel(f)), html.EscapeString(rel(f)), html.EscapeString(name), html.EscapeString(name))
		default:
			fmt.Fprintf(&b, "<div class=\"fig\"><a href=\"%s\">%s</a></div>\n", html.EscapeString(rel(f)), html.EscapeString(name))
		}
		n[1]++
	}
	b.WriteString("</div>\n</body></html>\n")
	return b.String(), n, nil
}
