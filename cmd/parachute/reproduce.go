// SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/plotting"
)

// artifact is one output of reproduce: a figure or a Markdown table, named
// as the notebook that shows it names it.
type artifact struct {
	name  string
	build func(o figures.Options) (*plotting.Figure, string, error)
}

// artifacts are the supplement's figures and tables and the tutorial's
// figures, in notebook order (notebooks/README.md).
var artifacts = []artifact{
	{"table4_cohorts", func(o figures.Options) (*plotting.Figure, string, error) {
		rows, err := figures.Table4(1)
		return nil, plotting.Table4(figures.PaperTable4, rows), err
	}},
	{"figure4_architecture", func(figures.Options) (*plotting.Figure, string, error) {
		b, err := backend.New()
		if err != nil {
			return nil, "", err
		}
		s, err := model.Summarize(b, model.PaperConfig(), 1)
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.Architecture(s, plotting.DefaultTheme)
		return f, "", err
	}},
	{"figure8_auc", func(o figures.Options) (*plotting.Figure, string, error) {
		panels, err := figures.Figure8(o)
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.AUCCurves(panels, plotting.DefaultTheme)
		return f, "", err
	}},
	{"figure9_calibration", func(o figures.Options) (*plotting.Figure, string, error) {
		panels, err := figures.Figure9(o)
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.Calibration(panels, plotting.DefaultTheme)
		return f, "", err
	}},
	{"tutorial01_kaplan_meier", func(figures.Options) (*plotting.Figure, string, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.KaplanMeierByRisk(c.Outcomes(), c.Synthetic.LogHazard, 3, plotting.DefaultTheme)
		return f, "", err
	}},
	{"tutorial01_cox_profile", func(figures.Options) (*plotting.Figure, string, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, "", err
		}
		scales := floats.Span(make([]float64, 51), 0, 2.5)
		ll, err := survival.CoxScaleProfile(c.Outcomes(), c.Synthetic.LogHazard, scales)
		if err != nil {
			return nil, "", err
		}
		slope, err := survival.CalibrationSlope(c.Outcomes(), c.Synthetic.LogHazard)
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.CoxProfile(scales, ll, slope, plotting.DefaultTheme)
		return f, "", err
	}},
	{"tutorial01_censoring", func(o figures.Options) (*plotting.Figure, string, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, "", err
		}
		s, err := figures.StudyCensoring(c.Synthetic, figures.CensoringStudyOptions{Seed: o.Seed})
		if err != nil {
			return nil, "", err
		}
		f, err := plotting.CensoringStudy(s, plotting.DefaultTheme)
		return f, "", err
	}},
}

// tutorialCohort is the cohort of tutorials/01: the synthetic pda preset.
func tutorialCohort() (*data.Cohort, error) {
	return data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
}

func runReproduce(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reproduce", flag.ContinueOnError)
	profile := fs.String("profile", experiment.ProfileQuick, "quick (CPU, minutes), paper (the full protocol; GPU) or smoke (tests)")
	out := fs.String("out", "", "folder for the figures (default out/figures of the repository, or $PARACHUTE_FIGURES)")
	cache := fs.String("cache", "", "folder caching finished runs (default out/cache, or $PARACHUTE_CACHE)")
	seed := fs.Uint64("seed", 1, "training, evaluation and bootstrap seed")
	workers := fs.Int("workers", 1, "runs trained at a time")
	only := fs.String("only", "", "comma-separated names to produce (default all)")
	if err := parseFlags(fs, args, stderr, "usage: parachute reproduce [--profile quick|paper] [--out DIR] [--only figure8_auc,...]\n\n"+
		"Produces every figure and table of the notebooks without Jupyter: the same library calls,\n"+
		"the same run cache, the same file names (PNG and SVG for figures, Markdown for tables).\n\nflags:\n"); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		d, err := plotting.FiguresDir()
		if err != nil {
			return err
		}
		dir = d
	}
	opts := figures.Options{Profile: *profile, Seed: *seed, Root: *cache, Workers: *workers, Progress: stderr}
	about, err := opts.Describe()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, about)
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	for n := range want {
		if !slices.ContainsFunc(artifacts, func(a artifact) bool { return a.name == n }) {
			return fmt.Errorf("unknown name %q in --only", n)
		}
	}
	for _, a := range artifacts {
		if len(want) > 0 && !want[a.name] {
			continue
		}
		fig, table, err := a.build(opts)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		var paths []string
		if fig != nil {
			if paths, err = plotting.Save(fig, dir, a.name); err != nil {
				return err
			}
		} else {
			path := filepath.Join(dir, a.name+".md")
			if err := atomicfile.Write(path, []byte(table)); err != nil {
				return err
			}
			paths = []string{path}
		}
		for _, p := range paths {
			fmt.Fprintln(stdout, p)
		}
	}
	return nil
}
