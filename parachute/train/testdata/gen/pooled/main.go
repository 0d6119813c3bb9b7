// SPDX-License-Identifier: Apache-2.0

// Command pooled writes the synthetic pda cohort (seed 1) as one CSV row per
// patient with pooled embeddings, the input of ridge_cox.R:
//
//	id, time, event, fold, has_pathology, has_radiology, log_hazard,
//	observable_log_hazard, p1…p768, r1…r1024
//
// fold is the cross-validation fold whose test set holds the patient; p is
// the mean of the patient's slide embeddings and r the mean of all slices of
// all its CT series (zeros for an absent modality).
//
// Run from the repository root: go run ./parachute/train/testdata/gen/pooled > pooled.csv
package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"strconv"

	"github.com/parachute-surv/goparachute/data"
)

func main() {
	c, err := data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fold := make([]int, len(c.Patients))
	for k, f := range c.Folds {
		for _, i := range f.Test {
			fold[i] = k
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprint(w, "id,time,event,fold,has_pathology,has_radiology,log_hazard,observable_log_hazard")
	for j := range c.Pathology.Width {
		fmt.Fprintf(w, ",p%d", j+1)
	}
	for j := range c.Radiology.Width {
		fmt.Fprintf(w, ",r%d", j+1)
	}
	fmt.Fprintln(w)
	b := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	for i := range c.Patients {
		p := &c.Patients[i]
		fmt.Fprintf(w, "%s,%g,%d,%d,%d,%d,%.17g,%.17g", p.ID, p.Time, b(p.Event), fold[i], b(p.HasPathology()), b(p.HasRadiology()),
			c.Synthetic.LogHazard[i], c.Synthetic.ObservableLogHazard[i])
		for _, v := range pooledSlides(p, c.Pathology.Width) {
			fmt.Fprint(w, ",", strconv.FormatFloat(v, 'g', 9, 64))
		}
		for _, v := range pooledSlices(p, c.Radiology.Width) {
			fmt.Fprint(w, ",", strconv.FormatFloat(v, 'g', 9, 64))
		}
		fmt.Fprintln(w)
	}
}

// pooledSlides is the mean of the patient's slide embeddings.
func pooledSlides(p *data.Patient, width int) []float64 {
	out := make([]float64, width)
	for _, s := range p.Slides {
		for j, v := range s.Features {
			out[j] += float64(v) / float64(len(p.Slides))
		}
	}
	return out
}

// pooledSlices is the mean over every slice of every CT series.
func pooledSlices(p *data.Patient, width int) []float64 {
	out := make([]float64, width)
	n := 0
	for _, s := range p.Series {
		n += s.Slices
	}
	for _, s := range p.Series {
		for k, v := range s.Features {
			out[k%width] += float64(v) / float64(n)
		}
	}
	return out
}
