// SPDX-License-Identifier: Apache-2.0

package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Grid describes a sweep: every combination of its lists, every fold of each
// cohort (or the listed ones). Read from JSON:
//
//	{"cohorts": [{"source": "synth:pda", "seed": 1}], "methods": ["parachute"],
//	 "optimizers": ["adamw", "gcs"], "profiles": ["quick"],
//	 "pmiss": [0, 0.05, 0.15, 0.3], "seeds": [1], "folds": [], "repeats": 0}
//
// Empty lists take the defaults: method parachute, optimizer adamw, profile
// quick, the supplement's four p_miss, seed 1, all folds, the profile's
// repeats.
type Grid struct {
	Cohorts    []data.CohortSpec `json:"cohorts"`
	Methods    []string          `json:"methods"`
	Optimizers []string          `json:"optimizers"`
	Profiles   []string          `json:"profiles"`
	PMiss      []float64         `json:"pmiss"`
	Seeds      []uint64          `json:"seeds"`
	Folds      []int             `json:"folds"`
	Repeats    int               `json:"repeats"`
}

// ReadGrid reads a grid JSON file; unknown fields are errors.
func ReadGrid(path string) (Grid, error) {
	var g Grid
	f, err := os.Open(path)
	if err != nil {
		return g, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		return g, fmt.Errorf("%s: %w", path, err)
	}
	if len(g.Cohorts) == 0 {
		return g, fmt.Errorf("%s: no cohorts", path)
	}
	return g, nil
}

// Runs expands the grid into run configurations, in a fixed order (cohort,
// method, optimizer, profile, seed, p_miss, fold) so that every machine of a
// sharded sweep sees the same list.
func (g Grid) Runs(cohorts *CohortCache) ([]RunConfig, error) {
	or := func(xs []string, def string) []string {
		if len(xs) == 0 {
			return []string{def}
		}
		return xs
	}
	pmiss := g.PMiss
	if len(pmiss) == 0 {
		pmiss = MissingRatios
	}
	seeds := g.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	var runs []RunConfig
	for _, spec := range g.Cohorts {
		c, err := cohorts.Open(spec)
		if err != nil {
			return nil, err
		}
		folds := g.Folds
		if len(folds) == 0 {
			for f := range c.Folds {
				folds = append(folds, f)
			}
		}
		for _, method := range or(g.Methods, train.MethodParachute) {
			for _, opt := range or(g.Optimizers, "adamw") {
				for _, prof := range or(g.Profiles, train.ProfileQuick) {
					for _, seed := range seeds {
						tc, err := train.Profile(prof)
						if err != nil {
							return nil, err
						}
						tc.Optimizer, tc.Seed = opt, seed
						if tc, err = train.WithMethodDefaults(method, tc); err != nil {
							return nil, err
						}
						eval := train.EvalProfile(prof)
						eval.Seed = seed
						if g.Repeats > 0 {
							eval.Repeats = g.Repeats
						}
						for _, p := range pmiss {
							for _, f := range folds {
								t := tc
								t.PMiss = p
								rc := RunConfig{Cohort: spec, Method: method, Fold: f, Train: t, Eval: eval}
								if err := rc.Validate(); err != nil {
									return nil, err
								}
								runs = append(runs, rc)
							}
						}
					}
				}
			}
		}
	}
	return runs, nil
}

// Shard returns the runs of shard i of n: those whose index in the full list
// is i modulo n. The n shards partition the list.
func Shard(runs []RunConfig, i, n int) ([]RunConfig, error) {
	if n < 1 || i < 0 || i >= n {
		return nil, fmt.Errorf("experiment: shard %d/%d (want 0 ≤ i < n)", i, n)
	}
	var out []RunConfig
	for k, r := range runs {
		if k%n == i {
			out = append(out, r)
		}
	}
	return out, nil
}

// ParseShard parses "i/n".
func ParseShard(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("shard %q: want i/n with 0 ≤ i < n, e.g. 3/10", s)
	}
	return i, n, nil
}
