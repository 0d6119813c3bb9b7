// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"math/rand/v2"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// BenchmarkConcordanceIndex measures Harrell's C on 100,000 subjects with
// tied times and risks (run: go test -bench ConcordanceIndex ./parachute/survival).
func BenchmarkConcordanceIndex(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	o, risk := randomOutcomes(rng, 100_000, 5000, 20_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := survival.ConcordanceIndex(o, risk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConcordanceIndexIPCW measures Uno's C on the same data.
func BenchmarkConcordanceIndexIPCW(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	o, risk := randomOutcomes(rng, 100_000, 5000, 20_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := survival.ConcordanceIndexIPCW(o, risk, &survival.IPCWOptions{Tau: 4900}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzConcordanceIndex checks the fast Harrell's C against the pair
// definition on arbitrary small inputs.
func FuzzConcordanceIndex(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{3, 3, 3, 1, 1, 1, 2, 2, 2, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 3
		if n < 2 || n > 64 {
			return
		}
		o := survival.Outcomes{Time: make([]float64, n), Event: make([]bool, n)}
		risk := make([]float64, n)
		for i := range n {
			o.Time[i] = float64(data[3*i]%16) + 1
			o.Event[i] = data[3*i+1]%2 == 0
			risk[i] = float64(data[3*i+2] % 8)
		}
		c, err := survival.ConcordanceIndex(o, risk)
		con, dis, tied := naiveConcordance(o, risk, nil)
		if con+dis+tied == 0 {
			if err == nil {
				t.Fatal("no comparable pair, no error")
			}
			return
		}
		if err != nil || float64(c.Concordant) != con || float64(c.Discordant) != dis || float64(c.TiedRisk) != tied {
			t.Fatalf("got %+v %v, pair definition %v %v %v", c, err, con, dis, tied)
		}
	})
}
