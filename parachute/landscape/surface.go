// SPDX-License-Identifier: Apache-2.0

package landscape

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"
)

// Block is one parameter tensor's place in the flattened parameter vector
// θ (row-major); the last dimension indexes its filters (output units).
type Block struct {
	Name         string
	Dims         []int
	Offset, Size int
}

// Function is a loss around a point θ: its Hessian at θ as an Operator,
// and its values along two directions.
type Function interface {
	Operator
	// Losses returns L(θ + αₖ d₁ + βₖ d₂) for every k.
	Losses(d1, d2, alphas, betas []float64) ([]float64, error)
}

// Directions chooses the plane of a loss surface.
type Directions int

const (
	// HessianDirections are the unit eigenvectors of the two largest
	// Hessian eigenvalues (PyHessian's convention; the supplement's Figure
	// 6): the plane of greatest curvature.
	HessianDirections Directions = iota
	// RandomDirections are two Gaussian directions, filter-normalised as
	// Li et al. (2018) do: each filter (a slice along a tensor's last
	// axis) rescaled to the norm of the same filter of θ, and the entries
	// of one-dimensional tensors (biases, normalisation gains and offsets,
	// tokens) set to zero (their ignore = "biasbn").
	RandomDirections
)

// String names the kind as the command line and result files do.
func (d Directions) String() string {
	if d == RandomDirections {
		return "random"
	}
	return "hessian"
}

// ParseDirections reads "hessian" or "random".
func ParseDirections(s string) (Directions, error) {
	switch s {
	case "hessian":
		return HessianDirections, nil
	case "random":
		return RandomDirections, nil
	}
	return 0, fmt.Errorf("landscape: directions %q (want hessian or random)", s)
}

// Grid returns n points evenly spaced over [−eps, eps] (n odd puts 0, the
// unperturbed point, in the middle).
func Grid(n int, eps float64) []float64 {
	g := make([]float64, n)
	if n == 1 {
		return g
	}
	for i := range g {
		g[i] = -eps + 2*eps*float64(i)/float64(n-1)
	}
	if n%2 == 1 {
		g[n/2] = 0
	}
	return g
}

// FilterNormalized returns a Gaussian direction with Li et al.'s filter
// normalisation (see [RandomDirections]) for parameters theta laid out as
// blocks.
func FilterNormalized(theta []float64, blocks []Block, rng *rand.Rand) []float64 {
	d := make([]float64, len(theta))
	for _, b := range blocks {
		if len(b.Dims) < 2 {
			continue
		}
		out := b.Dims[len(b.Dims)-1]
		part, w := d[b.Offset:b.Offset+b.Size], theta[b.Offset:b.Offset+b.Size]
		for i := range part {
			part[i] = rng.NormFloat64()
		}
		for f := range out {
			nd, nw := 0.0, 0.0
			for i := f; i < len(part); i += out {
				nd += part[i] * part[i]
				nw += w[i] * w[i]
			}
			s := math.Sqrt(nw) / (math.Sqrt(nd) + 1e-10)
			for i := f; i < len(part); i += out {
				part[i] *= s
			}
		}
	}
	return d
}

// Options configure [Analyze].
type Options struct {
	// Grid is the number of points per axis (0 means 41) and Eps the
	// half-width of the square (0 means 1).
	Grid int
	Eps  float64
	// Directions is the plane of the surface.
	Directions Directions
	// Theta and Blocks are the parameters and their layout (needed by
	// RandomDirections).
	Theta  []float64
	Blocks []Block
	// Lanczos configures the top eigenpairs (K is at least 2).
	Lanczos LanczosOptions
	// TraceProbes is the number of Hutchinson probes (0 means 30; −1
	// skips the trace).
	TraceProbes int
	// DensityProbes and DensitySteps run stochastic Lanczos quadrature
	// when DensityProbes > 0.
	DensityProbes, DensitySteps int
	// SmoothingSigma, when > 0, measures the curvature along each of the
	// top two eigenvectors smoothed at that scale ([SmoothedCurvature],
	// SmoothingNodes Gauss–Hermite nodes, 0 meaning 24).
	SmoothingSigma float64 `json:",omitempty"`
	SmoothingNodes int     `json:",omitempty"`
	// SharpnessEps, when > 0, measures ε-sharpness at that half-width over
	// a SharpnessGrid × SharpnessGrid grid (0 means 7) of the plane of the
	// top two eigenvectors ([EpsSharpness]). SharpnessRandom > 0 measures
	// it along that many filter-normalised random directions at
	// SharpnessGrid points of ±SharpnessRandomEps (a fraction of each
	// filter's norm; [RandomEpsSharpness], which needs Theta and Blocks).
	SharpnessEps       float64 `json:",omitempty"`
	SharpnessGrid      int     `json:",omitempty"`
	SharpnessRandom    int     `json:",omitempty"`
	SharpnessRandomEps float64 `json:",omitempty"`
	// Seed seeds the random directions and the probes.
	Seed uint64
	// Progress, when not nil, gets a line as each part starts and ends
	// (what it computes, how many Hessian-vector products or loss
	// evaluations, its seconds).
	Progress io.Writer
}

// Result is a loss landscape and its sharpness numbers, as
// "parachute landscape" writes it (landscape.json).
type Result struct {
	// Eigenvalues are the largest Hessian eigenvalues, descending, and
	// Residuals their Lanczos residual estimates.
	Eigenvalues []float64 `json:"eigenvalues"`
	Residuals   []float64 `json:"residuals"`
	// Trace is Hutchinson's estimate of tr H and TraceSE its standard
	// error (NaN when skipped); TraceProbes the probes used.
	Trace       Number `json:"trace"`
	TraceSE     Number `json:"trace_se"`
	TraceProbes int    `json:"trace_probes"`
	// Directions names the plane; Alphas and Betas are the grid, and
	// Loss[i][j] is L(θ + Alphas[i] d₁ + Betas[j] d₂).
	Directions string      `json:"directions"`
	Alphas     []float64   `json:"alphas"`
	Betas      []float64   `json:"betas"`
	Loss       [][]float64 `json:"loss"`
	// LossAtOptimum is L(θ), the centre of the grid.
	LossAtOptimum float64 `json:"loss_at_optimum"`
	// Parameters is the dimension of θ; LanczosProducts the
	// Hessian-vector products Lanczos used.
	Parameters      int  `json:"parameters"`
	LanczosProducts int  `json:"lanczos_products"`
	LanczosDim      int  `json:"lanczos_dim"`
	Converged       bool `json:"converged"`
	// SmoothingSigma and SmoothedCurvature are the scale and the smoothed
	// curvatures along the top two eigenvectors, when asked for.
	SmoothingSigma    float64   `json:"smoothing_sigma,omitempty"`
	SmoothedCurvature []float64 `json:"smoothed_curvature,omitempty"`
	// EpsSharpness is the ε-sharpness over the ±SharpnessEps square of the
	// plane of the top two eigenvectors, RandomEpsSharpness along
	// filter-normalised random directions at ±SharpnessRandomEps (NaN when
	// not measured).
	SharpnessEps       float64 `json:"sharpness_eps,omitempty"`
	EpsSharpness       Number  `json:"eps_sharpness"`
	SharpnessRandomEps float64 `json:"sharpness_random_eps,omitempty"`
	RandomEpsSharpness Number  `json:"random_eps_sharpness"`
	// Density is the spectral density by SLQ, when asked for.
	Density *SpectralDensity `json:"density,omitempty"`
	// Seconds times the parts: eigenpairs, trace, surface.
	Seconds struct {
		Eigen   float64 `json:"eigen"`
		Trace   float64 `json:"trace"`
		Surface float64 `json:"surface"`
	} `json:"seconds"`
}

// Analyze computes the top Hessian eigenpairs, the trace, the optional
// spectral density and the loss surface of f.
func Analyze(f Function, opts Options) (*Result, error) {
	if opts.Grid == 0 {
		opts.Grid = 41
	}
	if opts.Eps == 0 {
		opts.Eps = 1
	}
	if opts.TraceProbes == 0 {
		opts.TraceProbes = 30
	}
	if opts.Lanczos.K < 2 {
		opts.Lanczos.K = 2
	}
	if opts.Grid < 1 || !(opts.Eps > 0) {
		return nil, fmt.Errorf("landscape: a grid of %d points over ±%v", opts.Grid, opts.Eps)
	}
	if opts.Directions == RandomDirections && len(opts.Theta) != f.Dim() {
		return nil, fmt.Errorf("landscape: random directions need θ (%d values for dimension %d)", len(opts.Theta), f.Dim())
	}
	r := &Result{Directions: opts.Directions.String(), Parameters: f.Dim(), Trace: Number(math.NaN()), TraceSE: Number(math.NaN()),
		EpsSharpness: Number(math.NaN()), RandomEpsSharpness: Number(math.NaN())}
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "landscape: "+format+"\n", args...)
		}
	}

	began := time.Now()
	say("top-%d Hessian eigenpairs by Lanczos (%d parameters)…", opts.Lanczos.K, f.Dim())
	eig, err := TopEigenpairs(f, opts.Lanczos)
	if err != nil {
		return nil, err
	}
	r.Eigenvalues, r.Residuals = eig.Values, eig.Residuals
	r.LanczosProducts, r.LanczosDim, r.Converged = eig.Products, eig.Dim, eig.Converged
	r.Seconds.Eigen = time.Since(began).Seconds()
	say("eigenvalues %.4g, %.4g (%d Hessian-vector products, converged %v) in %.1f s", eig.Values[0], eig.Values[1], eig.Products, eig.Converged, r.Seconds.Eigen)

	began = time.Now()
	if opts.TraceProbes > 0 {
		say("trace by Hutchinson's estimator (%d probes)…", opts.TraceProbes)
	}
	if opts.TraceProbes > 0 {
		tr, err := HutchinsonTrace(f, opts.TraceProbes, opts.Seed)
		if err != nil {
			return nil, err
		}
		r.Trace, r.TraceSE, r.TraceProbes = Number(tr.Mean), Number(tr.SE), opts.TraceProbes
	}
	if opts.DensityProbes > 0 {
		if r.Density, err = SLQ(f, opts.DensityProbes, opts.DensitySteps, opts.Seed); err != nil {
			return nil, err
		}
	}
	r.Seconds.Trace = time.Since(began).Seconds()
	if opts.TraceProbes > 0 {
		say("trace %.4g ± %.2g in %.1f s", float64(r.Trace), float64(r.TraceSE), r.Seconds.Trace)
	}

	if err := r.measureAtScale(f, eig, opts, say); err != nil {
		return nil, err
	}

	began = time.Now()
	say("loss on a %d × %d grid over ±%g along the %s directions…", opts.Grid, opts.Grid, opts.Eps, opts.Directions)
	d1, d2 := eig.Vectors[0], eig.Vectors[1]
	if opts.Directions == RandomDirections {
		rng := rand.New(rand.NewPCG(opts.Seed, 0xd1e))
		d1, d2 = FilterNormalized(opts.Theta, opts.Blocks, rng), FilterNormalized(opts.Theta, opts.Blocks, rng)
	}
	r.Alphas, r.Betas = Grid(opts.Grid, opts.Eps), Grid(opts.Grid, opts.Eps)
	var as, bs []float64
	for _, a := range r.Alphas {
		for _, b := range r.Betas {
			as, bs = append(as, a), append(bs, b)
		}
	}
	// The centre is evaluated with the grid (first), so L(θ) and the
	// surface come from the same graph.
	as, bs = append([]float64{0}, as...), append([]float64{0}, bs...)
	vals, err := f.Losses(d1, d2, as, bs)
	if err != nil {
		return nil, err
	}
	r.LossAtOptimum = vals[0]
	vals = vals[1:]
	r.Loss = make([][]float64, opts.Grid)
	for i := range r.Loss {
		r.Loss[i] = vals[i*opts.Grid : (i+1)*opts.Grid]
	}
	r.Seconds.Surface = time.Since(began).Seconds()
	say("grid done in %.1f s", r.Seconds.Surface)
	return r, nil
}

// measureAtScale fills the smoothed curvatures and ε-sharpness the options
// ask for.
func (r *Result) measureAtScale(f Function, eig *Eigenpairs, opts Options, say func(string, ...any)) error {
	if opts.SmoothingSigma > 0 {
		nodes := opts.SmoothingNodes
		if nodes == 0 {
			nodes = 24
		}
		r.SmoothingSigma = opts.SmoothingSigma
		for _, v := range eig.Vectors[:2] {
			k, err := SmoothedCurvature(f, v, opts.SmoothingSigma, nodes)
			if err != nil {
				return err
			}
			r.SmoothedCurvature = append(r.SmoothedCurvature, k)
		}
		say("curvature smoothed at σ = %g: %.4g, %.4g", opts.SmoothingSigma, r.SmoothedCurvature[0], r.SmoothedCurvature[1])
	}
	if opts.SharpnessEps > 0 {
		grid := opts.SharpnessGrid
		if grid == 0 {
			grid = 7
		}
		r.SharpnessEps = opts.SharpnessEps
		e, err := EpsSharpness(f, eig.Vectors[0], eig.Vectors[1], opts.SharpnessEps, grid)
		if err != nil {
			return err
		}
		r.EpsSharpness = Number(e)
		if opts.SharpnessRandom > 0 {
			e, err := RandomEpsSharpness(f, opts.Theta, opts.Blocks, opts.SharpnessRandomEps, grid, opts.SharpnessRandom, opts.Seed)
			if err != nil {
				return err
			}
			r.SharpnessRandomEps, r.RandomEpsSharpness = opts.SharpnessRandomEps, Number(e)
		}
		say("ε-sharpness: %.4g over ±%g in the eigenvector plane, %.4g over ±%g along %d random directions", float64(r.EpsSharpness),
			opts.SharpnessEps, float64(r.RandomEpsSharpness), opts.SharpnessRandomEps, opts.SharpnessRandom)
	}
	return nil
}

// Number is a float64 that is written to JSON as null when it is NaN or
// infinite (a skipped estimate).
type Number float64

// MarshalJSON implements json.Marshaler.
func (x Number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

// UnmarshalJSON implements json.Unmarshaler (null reads as NaN).
func (x *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Number(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(x))
}

// Quadratic is the function L(θ + x) = L₀ + ½ xᵀ A x around θ: its
// Hessian is A everywhere. It is the analytic test case of Analyze and the
// tutorial's first example.
type Quadratic struct {
	*Dense
	L0 float64
}

// Losses implements Function.
func (q Quadratic) Losses(d1, d2, alphas, betas []float64) ([]float64, error) {
	n := q.Dim()
	x, ax := make([]float64, n), make([]float64, n)
	out := make([]float64, len(alphas))
	for k := range alphas {
		for i := range x {
			x[i] = alphas[k]*d1[i] + betas[k]*d2[i]
		}
		if err := q.Apply(ax, x); err != nil {
			return nil, err
		}
		out[k] = q.L0 + 0.5*dot(x, ax)
	}
	return out, nil
}
