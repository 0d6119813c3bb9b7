// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parachute-surv/goparachute/parachute/atomicfile"
)

const indexAbout = `Writes OUT/index.html, the page a reader opens after make reproduce: the
supplement's artefacts in the supplement's order (Table 4, Figure 4 … Figure
10, Table 5, Section 4), then the methods table, the explorer and the
tutorials; each under its title with its figures at a readable size, its
verdict and the data and profile it ran on (read from the executed notebook,
OUT/notebooks/<folder>/<name>.ipynb: the outputs of the cells tagged
"verdict" and the line that starts with "data:"), and links to its executed
notebook (OUT/html/<folder>/<name>.html), PNGs, SVGs and tables
(OUT/figures/<prefix>*). Files that belong to no artefact are listed at the
end, not dropped. make reproduce runs it last.`

// artefact is one entry of the landing page: a notebook and the figure
// files whose names start with its prefix.
type artefact struct {
	title, folder, notebook, prefix string
}

// artefacts is the landing page's order: the supplement's, then the
// methods table, the explorer and the tutorials.
var artefacts = []artefact{
	{"Table 4 — the cohorts", "notebooks", "table4_cohorts", "table4_"},
	{"Figure 4 — the architecture", "notebooks", "figure4_architecture", "figure4_"},
	{"Figure 5 — GCS against the optimizer baselines", "notebooks", "figure5_optimizers", "figure5_"},
	{"Figure 6 — loss landscapes and sharpness", "notebooks", "figure6_landscape", "figure6_"},
	{"Figure 7 — encoder ablation", "notebooks", "figure7_encoders", "figure7_"},
	{"Figure 8 — time-dependent AUC", "notebooks", "figure8_auc", "figure8_"},
	{"Figure 9 — calibration", "notebooks", "figure9_calibration", "figure9_"},
	{"Figure 10 — interpretability", "notebooks", "figure10_interpretability", "figure10_"},
	{"Table 5 — degradation with missingness", "notebooks", "table5_degradation", "table5_"},
	{"Section 4 — naive concatenation", "notebooks", "section4_naive_concatenation", "section4_"},
	{"The methods table", "notebooks", "methods_table", "methods_"},
	{"The explorer", "notebooks", "explore", "explore"},
	{"Tutorial 1 — survival analysis", "tutorials", "01_survival_analysis", "tutorial01_"},
	{"Tutorial 2 — missing modalities and fusion", "tutorials", "02_missing_modalities_and_fusion", "tutorial02_"},
	{"Tutorial 3 — sharpness, SAM and GCS", "tutorials", "03_sharpness_sam_and_gcs", "tutorial03_"},
	{"Tutorial 4 — Hessians and landscapes", "tutorials", "04_hessians_and_landscapes", "tutorial04_"},
}

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

// verdictLines is how many lines of a verdict the landing page shows (one
// per cohort for most); the rest is in the notebook.
const verdictLines = 3

// notebookSummary is what the landing page reads from an executed notebook.
type notebookSummary struct {
	data    string   // the line that starts with "data:"
	verdict []string // the lines printed by the cells tagged "verdict"
}

// readSummary reads an executed notebook; a missing one is an empty
// summary, a malformed one an error naming the file.
func readSummary(path string) (notebookSummary, error) {
	var s notebookSummary
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	} else if err != nil {
		return s, err
	}
	var nb struct {
		Cells []struct {
			Metadata struct {
				Tags []string `json:"tags"`
			} `json:"metadata"`
			Outputs []struct {
				Name string          `json:"name"`
				Text json.RawMessage `json:"text"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		return s, fmt.Errorf("%s: not a notebook: %w", path, err)
	}
	for _, c := range nb.Cells {
		verdict := slices.Contains(c.Metadata.Tags, "verdict")
		for _, o := range c.Outputs {
			if o.Name != "stdout" {
				continue
			}
			for _, line := range strings.Split(streamText(o.Text), "\n") {
				line = strings.TrimSpace(line)
				switch {
				case line == "" || strings.HasPrefix(line, "saved "):
				case s.data == "" && strings.HasPrefix(line, "data:"):
					s.data = strings.TrimSpace(strings.TrimPrefix(line, "data:"))
				case verdict:
					s.verdict = append(s.verdict, line)
				}
			}
		}
	}
	return s, nil
}

// streamText joins a stream output's text, a string or a list of strings.
func streamText(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	json.Unmarshal(raw, &many)
	return strings.Join(many, "")
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
	slices.Sort(figs)
	rel := func(p string) string { r, _ := filepath.Rel(out, p); return filepath.ToSlash(r) }
	link := func(p, text string) string {
		return fmt.Sprintf(`<a href="%s">%s</a>`, html.EscapeString(rel(p)), html.EscapeString(text))
	}
	used := map[string]bool{}
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>goparachute: the supplement, rerun</title>
<style>body{font-family:sans-serif;max-width:64em;margin:2em auto;padding:0 1em;line-height:1.4}
nav ol{columns:2}section{border-top:1px solid #ccc;margin-top:2em;padding-top:0.5em}
.meta{color:#555;font-size:90%}.verdict{background:#f4f6f8;border-left:4px solid #0072b2;padding:0.4em 0.8em;margin:0.6em 0}
.verdict p{margin:0.2em 0}figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:85%;color:#555}
.links a{margin-right:1em}</style></head><body>
<h1>goparachute: the supplement, rerun</h1>
`)
	fmt.Fprintf(&b, "<p>Written by <code>make reproduce</code> on %s. Every number comes from the notebooks' runs on the data each names below (synthetic cohorts unless stated); verdicts follow the comparison rule of <code>notebooks/README.md</code>.</p>\n<nav><ol>\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	for i, a := range artefacts {
		fmt.Fprintf(&b, "<li><a href=\"#a%d\">%s</a></li>\n", i, html.EscapeString(a.title))
	}
	b.WriteString("</ol></nav>\n")
	for i, a := range artefacts {
		page := filepath.Join(out, "html", a.folder, a.notebook+".html")
		var own []string
		for _, f := range figs {
			if strings.HasPrefix(filepath.Base(f), a.prefix) && !used[f] {
				own = append(own, f)
			}
		}
		hasPage := fileExists(page)
		if !hasPage && len(own) == 0 {
			continue // not run
		}
		sum, err := readSummary(filepath.Join(out, "notebooks", a.folder, a.notebook+".ipynb"))
		if err != nil {
			return "", n, err
		}
		fmt.Fprintf(&b, "<section id=\"a%d\"><h2>%s</h2>\n", i, html.EscapeString(a.title))
		if sum.data != "" {
			fmt.Fprintf(&b, "<p class=\"meta\">Data and profile: %s</p>\n", html.EscapeString(sum.data))
		}
		if len(sum.verdict) > 0 {
			b.WriteString("<div class=\"verdict\">")
			for _, v := range sum.verdict[:min(len(sum.verdict), verdictLines)] {
				fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(v))
			}
			if more := len(sum.verdict) - verdictLines; more > 0 {
				fmt.Fprintf(&b, "<p><em>… %d more lines in the executed notebook.</em></p>", more)
			}
			b.WriteString("</div>\n")
		}
		b.WriteString("<p class=\"links\">")
		if hasPage {
			b.WriteString(link(page, "executed notebook") + " ")
			used[page] = true
			n[0]++
		}
		for _, f := range own {
			if filepath.Ext(f) != ".png" {
				b.WriteString(link(f, filepath.Base(f)) + " ")
			}
		}
		b.WriteString("</p>\n")
		for _, f := range own {
			used[f] = true
			n[1]++
			if filepath.Ext(f) == ".png" {
				fmt.Fprintf(&b, "<figure><a href=\"%s\"><img src=\"%s\" alt=\"%s\"></a><figcaption>%s</figcaption></figure>\n",
					html.EscapeString(rel(f)), html.EscapeString(rel(f)), html.EscapeString(filepath.Base(f)), link(f, filepath.Base(f)))
			}
		}
		b.WriteString("</section>\n")
	}
	var rest []string
	for _, f := range append(slices.Sorted(slices.Values(notebooks)), figs...) {
		if !used[f] {
			rest = append(rest, f)
		}
	}
	if len(rest) > 0 {
		b.WriteString("<section><h2>Other notebooks and files</h2><ul>\n")
		for _, f := range rest {
			fmt.Fprintf(&b, "<li>%s</li>\n", link(f, rel(f)))
			if filepath.Ext(f) == ".html" {
				n[0]++
			} else {
				n[1]++
			}
		}
		b.WriteString("</ul></section>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String(), n, nil
}

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
