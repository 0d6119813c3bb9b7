// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/data/formats"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

// Preset shapes a synthetic cohort like one of the paper's cohorts.
type Preset struct {
	// Name is the short name: pda, ucec or ccrcc.
	Name string
	// Cohort is the folder name of the authors' layout.
	Cohort      string
	Description string
	// Patients, Events and FoldTestSizes are those of the authors' split
	// file (test patients per fold).
	Patients      int
	Events        int
	FoldTestSizes []int
	// MinDays and MaxDays are the follow-up range of the split file.
	MinDays, MaxDays float64
	// HistoPatients, RadPatients, HistoImages and RadImages are the
	// per-modality patients and images (slides, CT series).
	HistoPatients, RadPatients int
	HistoImages, RadImages     int
	// Style is the split-file layout of the authors' file.
	Style SplitStyle
	// Choices documents where the supplement's Table 4 and the split file
	// disagree, and what the preset follows.
	Choices string
}

// Presets are the synthetic cohorts shaped like the paper's three cohorts.
// Counts come from the authors' split files (PietroCaforio/parachute,
// data/labels_splits/*/k=all.tsv) and the supplement's Table 4.
var Presets = []Preset{
	{
		Name: "pda", Cohort: "CPTACPDA", Description: "CPTAC pancreatic ductal adenocarcinoma (synthetic)",
		Patients: 96, Events: 70, FoldTestSizes: []int{20, 20, 18, 19, 19}, MinDays: 32, MaxDays: 1752,
		HistoPatients: 76, RadPatients: 34, HistoImages: 553, RadImages: 232,
		Style: SplitStyle{Format: PathoBench, HasOS: true},
		Choices: "Table 4 gives 76 pathology patients with 553 slides and 34 radiology patients with 232 " +
			"series; the split file lists 226 slides over all 96 cases. The preset follows Table 4 " +
			"(14 patients have both modalities) and writes a Patho-Bench file with one row per slide " +
			"and one row with an empty slide_id for each radiology-only patient.",
	},
	{
		Name: "ucec", Cohort: "CPTACUCEC", Description: "CPTAC uterine corpus endometrial carcinoma (synthetic)",
		Patients: 34, Events: 29, FoldTestSizes: []int{9, 9, 8, 8}, MinDays: 48, MaxDays: 2137,
		HistoPatients: 34, RadPatients: 33, HistoImages: 883, RadImages: 192,
		Style: SplitStyle{Format: PerCase, BoolEvents: true},
		Choices: "Table 4 and the split file agree on 34 patients; the preset follows Table 4 for slides " +
			"(883) and series (192). The split file's OS_event is True for 29 of 34 cases, which is " +
			"implausibly high for endometrial cancer and may be an inverted flag; the preset keeps it.",
	},
	{
		Name: "ccrcc", Cohort: "MMISTCCRCC", Description: "MMIST clear-cell renal cell carcinoma (synthetic)",
		Patients: 92, Events: 22, FoldTestSizes: []int{19, 19, 19, 17, 18}, MinDays: 7, MaxDays: 3987,
		HistoPatients: 89, RadPatients: 18, HistoImages: 89, RadImages: 58,
		Style: SplitStyle{Format: PerCase, HasOS: true, DecimalDays: true},
		Choices: "Table 4's ccRCC row (601 pathology and 118 radiology patients, 438 and 379 images) " +
			"describes the whole MMIST dataset of 618 patients, not the 92 cases of the split file, " +
			"and lists fewer slides than pathology patients. The preset keeps 92 patients and scales " +
			"availability by Table 4's shares (601/618 → 89 pathology, 118/618 → 18 radiology, 15 " +
			"with both), one slide per patient (MMIST chose one slide per case) and 379/118 ≈ 3.2 " +
			"series per radiology patient. The split file has one case censored at day 0 (which " +
			"Load excludes); the preset's follow-up starts at the smallest positive time, 7 days.",
	},
}

// PresetByName finds a preset by short name or cohort folder name.
func PresetByName(name string) (Preset, error) {
	for _, p := range Presets {
		if strings.EqualFold(p.Name, name) || strings.EqualFold(p.Cohort, name) {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("preset %q (want pda, ucec or ccrcc): %w", name, ErrUnknown)
}

// encoderQuality is the signal amplitude and noise level of an encoder's
// synthetic features: the pathology ordering makes TITAN best and the
// radiology ordering makes MedImageInsight best, as in supplement Figure 7.
// The numbers are assumptions of the generator, not measurements: only the
// supplement's statement that TITAN with MedImageInsight was best informs
// them (the supplement prints no per-encoder values).
var encoderQuality = map[string]struct{ signal, noise float64 }{
	"TITAN":           {1.0, 0.6},
	"Prov-GigaPath":   {0.9, 0.8},
	"UNI2-h":          {0.8, 0.8},
	"Virchow2":        {0.8, 0.9},
	"CONCHv1.5":       {0.7, 0.9},
	"UNI":             {0.6, 1.0},
	"MedImageInsight": {1.0, 0.8},
	"MedSAM2":         {0.6, 1.0},
}

// SyntheticQuality returns the signal amplitude and noise level the
// generator gives an encoder's synthetic features (ok false for an unknown
// encoder). They are assumptions that order the encoders as supplement
// Figure 7 reports (TITAN and MedImageInsight best), not measured qualities;
// a higher signal and a lower noise make the features more informative.
func SyntheticQuality(encoder string) (signal, noise float64, ok bool) {
	q, ok := encoderQuality[encoder]
	return q.signal, q.noise, ok
}

// Dimensions of the latent factors and of the nuisance factors, and the
// correlation of radiology factor k with pathology factor k (k < 4).
const (
	pathologyFactors        = 8
	radiologyFactors        = 4
	nuisanceFactors         = 4
	sharedFactorCorrelation = 0.7
)

// SyntheticTruth is the ground truth of a synthetic cohort.
type SyntheticTruth struct {
	Preset    string `json:"preset"`
	Seed      uint64 `json:"seed"`
	Pathology string `json:"pathology_encoder"`
	Radiology string `json:"radiology_encoder"`
	// The log-hazard is η = PathologyCoef·z_p + RadiologyCoef·z_r +
	// InteractionCoef·z_p[0]·z_r[0] with latent factors z_p ~ N(0, I_8),
	// z_r ~ N(0, I_8) per patient, corr(z_r[k], z_p[k]) = 0.7
	// (both modalities image one tumour); radiology factors exist whether or
	// not the patient has CT.
	PathologyCoef   []float64 `json:"pathology_coef"`
	RadiologyCoef   []float64 `json:"radiology_coef"`
	InteractionCoef float64   `json:"interaction_coef"`
	// LogHazard holds η per patient, in patient order.
	LogHazard []float64 `json:"log_hazard"`
	// WeibullShape is k of the event times T = (E/e^η)^{1/k}, E ~ Exp(1);
	// censoring is C = CensoringScale·U, U ~ U(0, 1), with the scale chosen so
	// that exactly the preset's number of events is observed; observed times
	// are mapped to days by log t_days = TimeLogOffset + TimeLogSlope·log t and
	// rounded to whole days (at least 1).
	WeibullShape   float64 `json:"weibull_shape"`
	CensoringScale float64 `json:"censoring_scale"`
	TimeLogOffset  float64 `json:"time_log_offset"`
	TimeLogSlope   float64 `json:"time_log_slope"`
	// PathologyTerm and RadiologyTerm hold each patient's β_p·z_p and
	// β_r·z_r.
	PathologyTerm []float64 `json:"pathology_term"`
	RadiologyTerm []float64 `json:"radiology_term"`
	// OracleC is Harrell's C of the true log-hazard: the ceiling a model can
	// reach on this cohort.
	OracleC float64 `json:"oracle_c"`
	// ObservableLogHazard holds E[η | observed modalities] per patient: the
	// best prediction from the modalities a patient has.
	ObservableLogHazard []float64 `json:"observable_log_hazard"`
	// ObservableOracleC is Harrell's C of ObservableLogHazard: no model can
	// beat it in expectation on these patients.
	ObservableOracleC float64 `json:"observable_oracle_c"`
	// Signal and Noise are the feature amplitudes of the two encoders.
	PathologySignal float64 `json:"pathology_signal"`
	PathologyNoise  float64 `json:"pathology_noise"`
	RadiologySignal float64 `json:"radiology_signal"`
	RadiologyNoise  float64 `json:"radiology_noise"`
	Note            string  `json:"note"`
}

// SynthOptions configures [Synthesize].
type SynthOptions struct {
	// Preset is pda, ucec or ccrcc.
	Preset string
	// Seed makes the cohort reproducible: equal options give equal cohorts.
	Seed uint64
	// Pathology and Radiology name the encoders whose features are
	// generated; "" means TITAN and MedImageInsight.
	Pathology, Radiology string
	// MinSlices and MaxSlices bound the slices per CT series; 0 means 24 and
	// 72.
	MinSlices, MaxSlices int
}

// Synthesize generates a synthetic cohort shaped like a preset. It is
// documented as synthetic in every output (Cohort.Synthetic is set).
//
// Generation, all from one seed: latent pathology factors z_p (8) and
// radiology factors z_r (4, correlated 0.7 with the first four pathology
// factors) per patient; the log-hazard η of [SyntheticTruth] with a strong
// pathology term (‖β_p‖ = 1.5), a weaker radiology term (‖β_r‖ = 0.6) and a
// cross-modal interaction (0.5); Weibull
// event times and uniform censoring tuned to the exact event count; times
// mapped to the preset's follow-up range; stratified folds with the split
// file's test sizes; modality availability and images per patient as the
// preset says; features as each encoder's fixed random projection of the
// latent factors plus per-image nuisance and noise (slide vectors for
// pathology; per-slice vectors for CT, the signal strongest in the middle
// slices), with encoder-specific signal and noise; CellViT-like counts whose
// neoplastic and inflammatory densities rise and epithelial density falls with
// the pathology risk; and a 3-D tumour mask per radiology patient whose
// volume, surface and irregularity grow with the risk.
func Synthesize(opts SynthOptions) (*Cohort, error) {
	preset, err := PresetByName(opts.Preset)
	if err != nil {
		return nil, err
	}
	pathEnc, radEnc, err := encoderPair(opts.Pathology, opts.Radiology)
	if err != nil {
		return nil, err
	}
	if opts.MinSlices == 0 {
		opts.MinSlices = 24
	}
	if opts.MaxSlices == 0 {
		opts.MaxSlices = 72
	}
	if opts.MinSlices < 1 || opts.MaxSlices < opts.MinSlices {
		return nil, fmt.Errorf("slices per series [%d, %d]: %w", opts.MinSlices, opts.MaxSlices, ErrFormat)
	}
	// One PCG stream per component, so that changing one component (the
	// encoder, the slice range) leaves the others unchanged.
	stream := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(opts.Seed, k)) }
	n := preset.Patients
	rng := stream(1)
	zp, zr := make([][]float64, n), make([][]float64, n)
	for i := range n {
		zp[i], zr[i] = normals(rng, pathologyFactors), normals(rng, radiologyFactors)
		// Both modalities image the same tumour: the radiology factors share
		// correlation sharedFactorCorrelation with the first pathology factors.
		for k := range zr[i] {
			zr[i][k] = sharedFactorCorrelation*zp[i][k] + math.Sqrt(1-sharedFactorCorrelation*sharedFactorCorrelation)*zr[i][k]
		}
	}
	truth := &SyntheticTruth{Preset: preset.Name, Seed: opts.Seed, Pathology: pathEnc.Name, Radiology: radEnc.Name,
		PathologyCoef: scaledDirection(stream(2), pathologyFactors, 1.5),
		RadiologyCoef: scaledDirection(stream(3), radiologyFactors, 0.6), InteractionCoef: 0.5,
		WeibullShape: 1.3, Note: "synthetic cohort generated by goparachute's data.Synthesize; not patient data"}
	truth.LogHazard = make([]float64, n)
	truth.PathologyTerm, truth.RadiologyTerm = make([]float64, n), make([]float64, n)
	pathTerm := truth.PathologyTerm
	for i := range n {
		pathTerm[i] = dot(truth.PathologyCoef, zp[i])
		truth.RadiologyTerm[i] = dot(truth.RadiologyCoef, zr[i])
		truth.LogHazard[i] = pathTerm[i] + truth.RadiologyTerm[i] + truth.InteractionCoef*zp[i][0]*zr[i][0]
	}
	times, events := survivalTimes(stream(4), truth, preset)
	c := &Cohort{Name: preset.Cohort, Pathology: pathEnc, Radiology: radEnc, Synthetic: truth}
	for i := range n {
		c.Patients = append(c.Patients, Patient{ID: fmt.Sprintf("SYN-%s-%03d", strings.ToUpper(preset.Name), i+1),
			Time: times[i], Event: events[i]})
	}
	truth.OracleC = oracleC(c.Outcomes(), truth.LogHazard)
	c.Folds = stratifiedFoldsWithSizes(events, preset.FoldTestSizes, stream(5))
	histo, rad := availability(stream(6), preset)
	q := encoderQuality[pathEnc.Name]
	truth.PathologySignal, truth.PathologyNoise = q.signal, q.noise
	q = encoderQuality[radEnc.Name]
	truth.RadiologySignal, truth.RadiologyNoise = q.signal, q.noise
	riskScore := standardize(truth.LogHazard)
	pathRisk := standardize(pathTerm)
	pathProj := newProjection(pathEnc, pathologyFactors)
	radProj := newProjection(radEnc, radiologyFactors)
	pathRNG, cellRNG, maskRNG, sliceRNG, radRNG := stream(7), stream(8), stream(9), stream(10), stream(11)
	for i := range n {
		p := &c.Patients[i]
		for s := range histo[i] {
			id := fmt.Sprintf("%s-S%03d", p.ID, s+1)
			p.Slides = append(p.Slides, Slide{ID: id, Features: pathProj.slide(pathRNG, zp[i], truth.PathologySignal, truth.PathologyNoise),
				Coords: patchGrid(id)})
			p.Cells = append(p.Cells, cellCounts(cellRNG, id, pathRisk[i]))
		}
		for s := range rad[i] {
			slices := opts.MinSlices + sliceRNG.IntN(opts.MaxSlices-opts.MinSlices+1)
			p.Series = append(p.Series, radProj.series(radRNG, fmt.Sprintf("series%03d", s+1), slices, zr[i],
				truth.RadiologySignal, truth.RadiologyNoise))
		}
		if rad[i] > 0 {
			p.Mask = tumourMask(maskRNG, riskScore[i])
		}
	}
	// E[η | observed]: with ρ = corr(z_r[k], z_p[k]), E[z_p[k] | z_r] = ρ z_r[k]
	// and E[z_r[k] | z_p] = ρ z_p[k] for k < 4, and the other factors have mean 0.
	observable := make([]float64, n)
	rho := sharedFactorCorrelation
	for i := range n {
		p := &c.Patients[i]
		switch {
		case p.HasPathology() && p.HasRadiology():
			observable[i] = truth.LogHazard[i]
		case p.HasPathology():
			observable[i] = pathTerm[i] + truth.InteractionCoef*rho*zp[i][0]*zp[i][0]
			for k := range radiologyFactors {
				observable[i] += truth.RadiologyCoef[k] * rho * zp[i][k]
			}
		default:
			observable[i] = truth.RadiologyTerm[i] + truth.InteractionCoef*rho*zr[i][0]*zr[i][0]
			for k := range radiologyFactors {
				observable[i] += truth.PathologyCoef[k] * rho * zr[i][k]
			}
		}
	}
	truth.ObservableLogHazard = observable
	truth.ObservableOracleC = oracleC(c.Outcomes(), observable)
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("synthetic cohort %s (seed %d) is invalid, a generator bug: %w", preset.Name, opts.Seed, err)
	}
	return c, nil
}

// survivalTimes draws Weibull event times and uniform censoring whose scale
// is tuned by bisection so that exactly preset.Events events are observed,
// then maps the observed times into the preset's follow-up range.
func survivalTimes(rng *rand.Rand, truth *SyntheticTruth, preset Preset) ([]float64, []bool) {
	n := len(truth.LogHazard)
	t, u := make([]float64, n), make([]float64, n)
	for i := range n {
		e := rng.ExpFloat64()
		t[i] = math.Pow(e/math.Exp(truth.LogHazard[i]), 1/truth.WeibullShape)
		u[i] = rng.Float64()
	}
	hi := UniformCensoringScale(t, u, preset.Events)
	truth.CensoringScale = hi
	obs, ev := make([]float64, n), make([]bool, n)
	for i := range n {
		c := hi * u[i]
		obs[i], ev[i] = math.Min(t[i], c), t[i] <= c
	}
	lmin, lmax := math.Log(slices.Min(obs)), math.Log(slices.Max(obs))
	truth.TimeLogSlope = (math.Log(preset.MaxDays) - math.Log(preset.MinDays)) / (lmax - lmin)
	truth.TimeLogOffset = math.Log(preset.MinDays) - truth.TimeLogSlope*lmin
	for i := range n {
		obs[i] = math.Max(1, math.Round(math.Exp(truth.TimeLogOffset+truth.TimeLogSlope*math.Log(obs[i]))))
	}
	return obs, ev
}

// UniformCensoringScale returns the scale c of uniform censoring times
// C_i = c·u_i at which exactly `events` of the event times t_i are observed
// (t_i ≤ c·u_i): the smallest such c, found by doubling from 1 and 200
// bisection steps. It needs u_i > 0 and events ≤ len(t).
func UniformCensoringScale(t, u []float64, events int) float64 {
	count := func(s float64) int {
		k := 0
		for i := range t {
			if t[i] <= s*u[i] {
				k++
			}
		}
		return k
	}
	lo, hi := 0.0, 1.0
	for count(hi) < events {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if count(mid) < events {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// availability returns the number of slides and series of each patient:
// preset.HistoPatients and preset.RadPatients patients have them (the
// overlap has both; everyone has at least one), and the images are spread
// at random over those patients, at least one each.
func availability(rng *rand.Rand, preset Preset) (histo, rad []int) {
	n := preset.Patients
	both := preset.HistoPatients + preset.RadPatients - n
	perm := rng.Perm(n)
	histo, rad = make([]int, n), make([]int, n)
	for k, i := range perm {
		switch {
		case k < both:
			histo[i], rad[i] = 1, 1
		case k < preset.HistoPatients:
			histo[i] = 1
		default:
			rad[i] = 1
		}
	}
	spread := func(counts []int, total int) {
		var have []int
		for i, c := range counts {
			if c > 0 {
				have = append(have, i)
			}
		}
		for extra := total - len(have); extra > 0; extra-- {
			counts[have[rng.IntN(len(have))]]++
		}
	}
	spread(histo, preset.HistoImages)
	spread(rad, preset.RadImages)
	return histo, rad
}

// projection maps latent factors to an encoder's feature space: a fixed
// random matrix per encoder (seeded by the encoder's name, as a frozen
// encoder is the same for every cohort) for the signal and another for the
// per-image nuisance.
type projection struct {
	width          int
	signal, nuisan [][]float64 // [width][factors], [width][nuisanceFactors]
}

func newProjection(enc Encoder, factors int) *projection {
	h := fnv.New64a()
	h.Write([]byte(enc.Name))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0xe7c0de))
	p := &projection{width: enc.Width}
	for range enc.Width {
		row := normals(rng, factors)
		for k := range row {
			row[k] /= math.Sqrt(float64(factors))
		}
		p.signal = append(p.signal, row)
		p.nuisan = append(p.nuisan, normals(rng, nuisanceFactors))
	}
	return p
}

// slide returns a slide embedding: signal·W z + 0.5·V u + noise·ε, with
// per-slide nuisance u ~ N(0, I_4) and W, V scaled to unit row variance.
func (p *projection) slide(rng *rand.Rand, z []float64, signal, noise float64) []float32 {
	u := normals(rng, nuisanceFactors)
	out := make([]float32, p.width)
	for j := range out {
		out[j] = float32(signal*dot(p.signal[j], z) + 0.5*dot(p.nuisan[j], u)/math.Sqrt(nuisanceFactors) + noise*rng.NormFloat64())
	}
	return out
}

// series returns a CT series: per slice s of S, signal·g(s)·W z + series
// nuisance + noise, with g(s) = 0.6 + 0.4·sin(π(s+½)/S) peaking mid-volume.
func (p *projection) series(rng *rand.Rand, id string, slices int, z []float64, signal, noise float64) Series {
	u := normals(rng, nuisanceFactors)
	base := make([]float64, p.width)
	nuis := make([]float64, p.width)
	for j := range base {
		base[j] = signal * dot(p.signal[j], z)
		nuis[j] = 0.5 * dot(p.nuisan[j], u) / 2
	}
	s := Series{ID: id, Slices: slices, Width: p.width, Features: make([]float32, slices*p.width)}
	for k := range slices {
		g := 0.6 + 0.4*math.Sin(math.Pi*(float64(k)+0.5)/float64(slices))
		row := s.Features[k*p.width : (k+1)*p.width]
		for j := range row {
			row[j] = float32(g*base[j] + nuis[j] + noise*rng.NormFloat64())
		}
	}
	return s
}

// cellDensityBase and cellDensityShift are the generator's class densities
// (nuclei per mm², in CellClasses order) and their log-shifts per unit of
// standardised pathology risk.
var (
	cellDensityBase  = [5]float64{800, 300, 600, 40, 400}
	cellDensityShift = [5]float64{0.35, 0.30, -0.30, 0.05, 0}
)

// SyntheticEffects lists, in words and with the generator's own numbers,
// every effect the synthetic cohorts plant that a figure could find: the
// log-hazard's terms, each cell class's density shift with risk, and the
// tumour mask's growth and irregularity. A figure that shows a difference
// on synthetic data prints these beside it, so that a reader can tell a
// planted effect from a discovery.
func SyntheticEffects() []string {
	out := []string{
		"log-hazard η = β_p·z_p + β_r·z_r + 0.5·z_p[0]·z_r[0]: a strong pathology term (‖β_p‖ = 1.5), a weaker radiology term (‖β_r‖ = 0.6), a cross-modal interaction; corr(z_r[k], z_p[k]) = 0.7",
	}
	for k, class := range CellClasses {
		d := cellDensityShift[k]
		effect := fmt.Sprintf("%s density: log-normal around %.0f /mm², log-shift %+.2f·r per unit of standardised pathology risk r (×%.2f per SD)",
			class, cellDensityBase[k], d, math.Exp(d))
		if d == 0 {
			effect = fmt.Sprintf("%s density: log-normal around %.0f /mm², no shift with risk", class, cellDensityBase[k])
		}
		out = append(out, effect)
	}
	return append(out,
		"every density also has multiplicative (log-normal, SD 0.2) noise, so its spread on the raw scale grows with its level: a shifted mean brings a wider raw spread without any planted heterogeneity",
		"tumour mask: ellipsoid of radius R = 10 mm·e^{0.2r} (at most 20 mm) with three cosine lobes of amplitude (0.05 + 0.6·σ(r))/2: volume and surface grow and sphericity falls (≈ 0.84 at r = −2, ≈ 0.70 at r = 2) with the risk r",
		"no effect on dispersion is planted anywhere: any difference in heterogeneity follows from the shifts above")
}

// cellCounts draws CellViT-like counts of one slide: tissue area
// log-normal around 40 mm²; class densities (nuclei per mm²) log-normal
// around 800, 300, 600, 40, 400 with log-shifts +0.35r, +0.30r, −0.30r,
// +0.05r, 0 for the standardised pathology risk r; counts ≈ Poisson(density ×
// area), drawn by the normal approximation (means are in the thousands).
func cellCounts(rng *rand.Rand, slideID string, r float64) CellCounts {
	base, shift := cellDensityBase, cellDensityShift
	c := CellCounts{SlideID: slideID, TissueAreaMM2: math.Round(40*math.Exp(0.4*rng.NormFloat64())*100) / 100}
	for k := range base {
		mean := base[k] * math.Exp(shift[k]*r+0.2*rng.NormFloat64()) * c.TissueAreaMM2
		c.Counts[k] = max(0, int(math.Round(mean+math.Sqrt(mean)*rng.NormFloat64())))
	}
	return c
}

// Tumour mask grid: 64 × 64 × 24 voxels of 0.8 × 0.8 × 2.5 mm (spacings
// rounded to float32, as NIfTI stores them, so that masks round-trip exactly).
var (
	maskDims    = [3]int{64, 64, 24}
	maskSpacing = [3]float64{float64(float32(0.8)), float64(float32(0.8)), 2.5}
)

// tumourMask draws a 3-D tumour for standardised risk r: an ellipsoid with
// semi-axes R, 0.85R, 0.75R (R = 10 mm·e^{0.2r}, at most 20 mm) whose
// radius is modulated by three random cosine lobes, each of amplitude
// a/2 with a = 0.05 + 0.6·σ(r), so that higher risk gives larger and more
// irregular (less spherical) tumours: the sphericity of the masks falls
// from about 0.84 at r = −2 to about 0.70 at r = 2 (figures'
// TestSyntheticMasksVaryWithRisk). These are assumptions of the generator,
// not biology.
func tumourMask(rng *rand.Rand, r float64) *formats.Mask {
	R := math.Min(20, 10*math.Exp(0.2*r))
	amp := 0.05 + 0.6/(1+math.Exp(-r))
	type lobe struct {
		dir         [3]float64
		freq, phase float64
	}
	var lobes [3]lobe
	for k := range lobes {
		d := normals(rng, 3)
		nrm := math.Sqrt(dot(d, d))
		lobes[k] = lobe{[3]float64{d[0] / nrm, d[1] / nrm, d[2] / nrm}, 2 + float64(rng.IntN(3)), rng.Float64() * 2 * math.Pi}
	}
	m := &formats.Mask{Dims: maskDims, Spacing: maskSpacing, Voxels: make([]uint8, maskDims[0]*maskDims[1]*maskDims[2])}
	axes := [3]float64{R, 0.85 * R, 0.75 * R}
	for z := range maskDims[2] {
		for y := range maskDims[1] {
			for x := range maskDims[0] {
				p := [3]float64{
					(float64(x) - float64(maskDims[0]-1)/2) * maskSpacing[0],
					(float64(y) - float64(maskDims[1]-1)/2) * maskSpacing[1],
					(float64(z) - float64(maskDims[2]-1)/2) * maskSpacing[2],
				}
				dist := math.Sqrt(p[0]*p[0] + p[1]*p[1] + p[2]*p[2])
				if dist == 0 {
					m.Voxels[x+maskDims[0]*(y+maskDims[1]*z)] = 1
					continue
				}
				scale := 1.0
				for _, l := range lobes {
					cos := (p[0]*l.dir[0] + p[1]*l.dir[1] + p[2]*l.dir[2]) / dist
					scale += amp / 2 * math.Cos(l.freq*math.Acos(cos)+l.phase)
				}
				e := (p[0]*p[0])/(axes[0]*axes[0]) + (p[1]*p[1])/(axes[1]*axes[1]) + (p[2]*p[2])/(axes[2]*axes[2])
				if math.Sqrt(e) <= scale {
					m.Voxels[x+maskDims[0]*(y+maskDims[1]*z)] = 1
				}
			}
		}
	}
	return m
}

// oracleC is Harrell's C of the true log-hazard against the outcomes.
func oracleC(o survival.Outcomes, eta []float64) float64 {
	c, err := survival.ConcordanceIndex(o, eta)
	if err != nil {
		return math.NaN()
	}
	return c.Index
}

func normals(rng *rand.Rand, k int) []float64 {
	v := make([]float64, k)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

// scaledDirection returns a random direction of length norm.
func scaledDirection(rng *rand.Rand, k int, norm float64) []float64 {
	v := normals(rng, k)
	s := norm / math.Sqrt(dot(v, v))
	for i := range v {
		v[i] *= s
	}
	return v
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// standardize returns (x − mean)/sd.
func standardize(x []float64) []float64 {
	mean, ss := 0.0, 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	sd := math.Sqrt(ss / float64(len(x)))
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = (v - mean) / sd
	}
	return out
}

// patchGrid returns the patch corners of a synthetic slide, so that its
// Trident file carries a "coords" dataset as real ones do: 16 to 64 patches
// of 1024 level-0 pixels (512 px at 20× on a 40× scan) on a regular grid,
// their number drawn from a hash of the slide ID (no random stream is used,
// so features do not depend on it). No image exists behind them.
func patchGrid(id string) [][2]int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	n := 16 + int(h.Sum64()%49)
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	coords := make([][2]int64, n)
	for k := range coords {
		coords[k] = [2]int64{int64(k%cols) * 1024, int64(k/cols) * 1024}
	}
	return coords
}
