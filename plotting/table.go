// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
)

// Markdown renders a table as GitHub-flavoured Markdown; numeric columns
// (every cell, bold marks aside, starts with a number or is empty or "—")
// are right-aligned.
func Markdown(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for j := range header {
		numeric := true
		for _, r := range rows {
			var f float64
			if r[j] != "" && r[j] != "—" {
				if _, err := fmt.Sscan(strings.NewReplacer(",", "", "**", "").Replace(r[j]), &f); err != nil {
					numeric = false
				}
			}
		}
		if numeric {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}

// Table4 renders supplement Table 4 (images and patients per modality) with
// the paper's rows above the synthetic presets' rows, which also give their
// patients, events and folds.
func Table4(paper, synthetic []figures.Table4Row) string {
	header := []string{"Cohort", "Histology images", "Radiology images", "Histology patients", "Radiology patients",
		"Patients", "Events", "Folds"}
	count := func(n int) string {
		if n == 0 {
			return "—"
		}
		return fmt.Sprint(n)
	}
	var rows [][]string
	for _, r := range append(append([]figures.Table4Row{}, paper...), synthetic...) {
		rows = append(rows, []string{r.Cohort, count(r.HistoImages), count(r.RadImages), count(r.HistoPatients),
			count(r.RadPatients), count(r.Patients), count(r.Events), count(r.Folds)})
	}
	return Markdown(header, rows)
}

// FiguresDir is $PARACHUTE_FIGURES, or figures/ under [experiment.OutDir].
func FiguresDir() (string, error) {
	if dir := os.Getenv("PARACHUTE_FIGURES"); dir != "" {
		return dir, nil
	}
	out, err := experiment.OutDir()
	return filepath.Join(out, "figures"), err
}
