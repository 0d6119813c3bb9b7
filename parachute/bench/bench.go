// SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// BenchWorkload is the fixed workload of the speed comparisons, shared with
// bench/torch_reference.py: a batch of 16 patients, each with 8 slide
// embeddings of width 768 and 4 CT series of 16 slices of width 1024 (random
// normal features, seeded), and the paper-size model (d = 256) in a trainer
// with the given optimizer on backend b.
func BenchWorkload(b backends.Backend, optimizer string) (*train.Trainer, []*data.Patient, error) {
	return benchWorkload(b, train.ProfilePaper, optimizer, dtypes.Float32)
}

// Workload is the fixed workload of a profile: the batch, the patients'
// inputs and the model (torch_reference.py --profile builds the same).
type Workload struct {
	Batch, Slides, Series, Slices int
}

// WorkloadOf returns the fixed workload of profile paper (batch 16; 8
// slides; 4 series of 16 slices) or quick (the quick profile's batch of 32
// and its model's 8 slides and 2 series of 8 slices).
func WorkloadOf(profile string) (Workload, error) {
	switch profile {
	case train.ProfilePaper:
		return Workload{Batch: 16, Slides: 8, Series: 4, Slices: 16}, nil
	case train.ProfileQuick:
		return Workload{Batch: 32, Slides: 8, Series: 2, Slices: 8}, nil
	}
	return Workload{}, fmt.Errorf("bench: no fixed workload for profile %q (paper or quick)", profile)
}

// String describes the workload.
func (w Workload) String() string {
	return fmt.Sprintf("batch %d; %d slides × 768; %d series × %d slices × 1024", w.Batch, w.Slides, w.Series, w.Slices)
}

// benchWorkload is BenchWorkload with the profile's workload and model in
// dtype.
func benchWorkload(b backends.Backend, profile, optimizer string, dtype dtypes.DType) (*train.Trainer, []*data.Patient, error) {
	w, err := WorkloadOf(profile)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := train.Profile(profile)
	if err != nil {
		return nil, nil, err
	}
	cfg.Optimizer, cfg.Model.DType, cfg.BatchSize = optimizer, dtype, w.Batch
	cfg.Model.Slices, cfg.Model.MaxSlides, cfg.Model.MaxSeries = w.Slices, w.Slides, w.Series
	rng := rand.New(rand.NewPCG(1, 1))
	c := &data.Cohort{Name: "bench", Pathology: data.DefaultPathology, Radiology: data.DefaultRadiology}
	for i := range w.Batch {
		p := data.Patient{ID: strconv.Itoa(i), Time: float64(1 + rng.IntN(1000)), Event: rng.Float64() < 0.7}
		for range w.Slides {
			p.Slides = append(p.Slides, data.Slide{Features: normals(rng, 768)})
		}
		for range w.Series {
			p.Series = append(p.Series, data.Series{Slices: w.Slices, Width: 1024, Features: normals(rng, w.Slices*1024)})
		}
		c.Patients = append(c.Patients, p)
	}
	patients := make([]*data.Patient, len(c.Patients))
	for i := range c.Patients {
		patients[i] = &c.Patients[i]
	}
	t, err := train.NewTrainer(b, c, cfg)
	return t, patients, err
}

func normals(rng *rand.Rand, n int) []float32 {
	f := make([]float32, n)
	for j := range f {
		f[j] = float32(rng.NormFloat64())
	}
	return f
}

// BenchOptions configures [Bench].
type BenchOptions struct {
	// Steps and Predictions are the timed repetitions (default 10 and 20),
	// after one untimed call of each that builds and compiles the graph.
	Steps, Predictions int
	// Optimizer is the training step (default adamw).
	Optimizer string
	// Profile picks the workload and model (default paper; see
	// [WorkloadOf]).
	Profile string
	// Ops also times the timed steps' graph ops by kind (package opclock;
	// the pure-Go backend only), into BenchResult.StepOps.
	Ops bool
}

// BenchResult is the JSON that `parachute bench` prints.
type BenchResult struct {
	Backend  string `json:"backend"`
	Workload string `json:"workload"`
	Params   int    `json:"params"`
	// FirstStepMS is the first training step, graph building and
	// compilation included; StepMS the median of the timed steps (host batch
	// assembly, forward, loss, backward and the optimizer update).
	FirstStepMS float64   `json:"first_step_ms"`
	StepMS      float64   `json:"step_ms_median"`
	Steps       []float64 `json:"steps_ms"`
	// FirstPredictMS is the first inference call, compilation included;
	// PatientsPerSecond is 16 over the median timed inference call.
	FirstPredictMS    float64 `json:"first_predict_ms"`
	PredictMS         float64 `json:"predict_ms_median"`
	PatientsPerSecond float64 `json:"patients_per_second"`
	// PeakRSSMB is the process's peak resident memory (host; a GPU's own
	// memory is not included).
	PeakRSSMB  float64 `json:"peak_rss_mb"`
	GoMaxProcs int     `json:"gomaxprocs"`
	// StepOps (with BenchOptions.Ops) splits the mean timed step: its
	// graph ops by kind, then the rest (the executor between ops, random
	// numbers, host work).
	StepOps   []BreakdownRow `json:"step_ops,omitempty"`
	Optimizer string         `json:"optimizer"`
}

// Bench runs the fixed workload on backend b and times it.
func Bench(b backends.Backend, o BenchOptions) (*BenchResult, error) {
	if o.Steps == 0 {
		o.Steps = 10
	}
	if o.Predictions == 0 {
		o.Predictions = 20
	}
	if o.Optimizer == "" {
		o.Optimizer = "adamw"
	}
	if o.Profile == "" {
		o.Profile = train.ProfilePaper
	}
	t, patients, err := benchWorkload(b, o.Profile, o.Optimizer, dtypes.Float32)
	if err != nil {
		return nil, err
	}
	w, _ := WorkloadOf(o.Profile)
	r := &BenchResult{Backend: b.Description(), Optimizer: o.Optimizer, GoMaxProcs: runtime.GOMAXPROCS(0),
		Workload: fmt.Sprintf("%s; %s model (d = %d)", w, o.Profile, t.Config.Model.Dim)}
	timed := func(f func() error) (float64, error) {
		start := time.Now()
		err := f()
		return float64(time.Since(start).Microseconds()) / 1000, err
	}
	step := func() error { _, err := t.Step(patients, 5e-3); return err }
	predict := func() error { _, err := t.Predict(patients, nil); return err }
	if r.FirstStepMS, err = timed(step); err != nil {
		return nil, err
	}
	r.Params = t.ParameterCount()
	ops, err := stepClock(b, o.Ops)
	if err != nil {
		return nil, err
	}
	for range o.Steps {
		ms, err := timed(step)
		if err != nil {
			return nil, err
		}
		r.Steps = append(r.Steps, ms)
	}
	if ops != nil {
		ops.SetAccount("")
		r.StepOps = stepOps(ops.Account("step"), r.Steps)
	}
	r.StepMS = survival.Quantile(r.Steps, 0.5)
	if r.FirstPredictMS, err = timed(predict); err != nil {
		return nil, err
	}
	var predictions []float64
	for range o.Predictions {
		ms, err := timed(predict)
		if err != nil {
			return nil, err
		}
		predictions = append(predictions, ms)
	}
	r.PredictMS = survival.Quantile(predictions, 0.5)
	r.PatientsPerSecond = float64(len(patients)) / (r.PredictMS / 1000)
	r.PeakRSSMB = train.PeakRSSMB()
	return r, nil
}

// Agreement compares the predictions of two backends with the same weights
// on the same batch, and both with the same model in float64 on the
// reference backend (the exact answer up to float64 rounding).
type Agreement struct {
	Reference string `json:"reference"`
	Other     string `json:"other"`
	// DType is the model's dtype on both backends.
	DType     string    `json:"dtype"`
	RiskRef   []float64 `json:"risk_reference"`
	RiskOther []float64 `json:"risk_other"`
	// RiskFloat64 holds the float64 model's risks (same weights, widened).
	RiskFloat64 []float64 `json:"risk_float64"`
	// MaxAbsDiff is max_i |r_i − r'_i| between the two backends.
	MaxAbsDiff float64 `json:"max_abs_diff"`
	// RefErr and OtherErr are each backend's largest deviation from the
	// float64 risks, max_i |r_i − r64_i| / max(|r64_i|, 1e-3).
	RefErr   float64 `json:"reference_rel_err_vs_float64"`
	OtherErr float64 `json:"other_rel_err_vs_float64"`
}

// RelErr is max_i |r_i − exact_i| / max(|exact_i|, 1e-3).
func RelErr(r, exact []float64) float64 {
	e := 0.0
	for i := range r {
		e = math.Max(e, math.Abs(r[i]-exact[i])/math.Max(math.Abs(exact[i]), 1e-3))
	}
	return e
}

// Float64Risks returns the risks of t's model, rebuilt in float64 on
// backend b with t's weights widened, on the same patients.
func Float64Risks(b backends.Backend, t *train.Trainer, patients []*data.Patient) ([]float64, error) {
	c := &data.Cohort{Name: "bench", Pathology: data.DefaultPathology, Radiology: data.DefaultRadiology}
	c.Pathology.Width, c.Radiology.Width = t.Config.Model.PathologyWidth, t.Config.Model.RadiologyWidth
	cfg := t.Config
	cfg.Model.DType = dtypes.Float64
	t64, err := train.NewTrainer(b, c, cfg)
	if err != nil {
		return nil, err
	}
	for v := range t.Context().IterVariables() {
		value, err := v.Value()
		if err != nil {
			return nil, err
		}
		if value.DType() == dtypes.Float32 {
			f32, err := tensors.CopyFlatData[float32](value)
			if err != nil {
				return nil, err
			}
			f64 := make([]float64, len(f32))
			for i, x := range f32 {
				f64[i] = float64(x)
			}
			value = tensors.FromFlatDataAndDimensions(f64, value.Shape().Dimensions...)
		}
		t64.Context().InAbsPath(v.Scope()).VariableWithValue(v.Name(), value)
	}
	return t64.Predict(patients, nil)
}

// CompareBackends initialises the paper-size model of [BenchWorkload] (in
// dtype: float32, or float64 to separate the backends' arithmetic from
// float32 rounding) on the reference backend, predicts the batch, moves
// every weight to a trainer on the other backend through a checkpoint,
// predicts again and compares; for float32 also with the model widened to
// float64 on the reference backend.
func CompareBackends(ref, other backends.Backend, dtype dtypes.DType) (*Agreement, error) {
	t1, patients, err := benchWorkload(ref, train.ProfilePaper, "adamw", dtype)
	if err != nil {
		return nil, err
	}
	a := &Agreement{Reference: ref.Description(), Other: other.Description(), DType: dtype.String()}
	if a.RiskRef, err = t1.Predict(patients, nil); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "parachute-compare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "weights.ckpt")
	if err := t1.SaveCheckpoint(path, 0, nil); err != nil {
		return nil, err
	}
	t2, _, err := benchWorkload(other, train.ProfilePaper, "adamw", dtype)
	if err != nil {
		return nil, err
	}
	if _, _, err := t2.LoadCheckpoint(path); err != nil {
		return nil, err
	}
	if a.RiskOther, err = t2.Predict(patients, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", other.Description(), err)
	}
	for i := range a.RiskRef {
		a.MaxAbsDiff = math.Max(a.MaxAbsDiff, math.Abs(a.RiskRef[i]-a.RiskOther[i]))
	}
	a.RiskFloat64 = a.RiskRef
	if dtype != dtypes.Float64 {
		if a.RiskFloat64, err = Float64Risks(ref, t1, patients); err != nil {
			return nil, fmt.Errorf("float64 reference: %w", err)
		}
	}
	a.RefErr, a.OtherErr = RelErr(a.RiskRef, a.RiskFloat64), RelErr(a.RiskOther, a.RiskFloat64)
	return a, nil
}
