// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"fmt"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

func ExampleConcordanceIndex() {
	// Higher risk = earlier event. Pairs: (1,2) (1,3) (1,4) (3,4) are
	// comparable; subject 2 is censored before 3 and 4, so its pairs with
	// them are not. Risk orders all four correctly but (3,4), which is tied.
	o := survival.Outcomes{
		Time:  []float64{1, 2, 3, 4},
		Event: []bool{true, false, true, false},
	}
	c, err := survival.ConcordanceIndex(o, []float64{0.9, 0.8, 0.5, 0.5})
	if err != nil {
		panic(err)
	}
	fmt.Printf("C = %.3f (concordant %d, tied %d, comparable %d)\n", c.Index, c.Concordant, c.TiedRisk, c.Comparable())
	// Output: C = 0.875 (concordant 3, tied 1, comparable 4)
}

func ExampleKaplanMeier() {
	o := survival.Outcomes{
		Time:  []float64{1, 2, 2, 3, 4},
		Event: []bool{true, true, false, true, false},
	}
	c, err := survival.KaplanMeier(o, nil)
	if err != nil {
		panic(err)
	}
	for k := range c.Time {
		fmt.Printf("t=%g n=%d d=%d S=%.2f\n", c.Time[k], c.AtRisk[k], c.Events[k], c.Surv[k])
	}
	m, _ := c.Median()
	fmt.Println("median:", m.Time)
	// Output:
	// t=1 n=5 d=1 S=0.80
	// t=2 n=4 d=1 S=0.60
	// t=3 n=2 d=1 S=0.30
	// t=4 n=1 d=0 S=0.30
	// median: 3
}

func ExampleConcordanceIndexIPCW() {
	train := survival.Outcomes{Time: []float64{1, 2, 3, 4, 5}, Event: []bool{true, false, true, false, true}}
	test := survival.Outcomes{Time: []float64{1.5, 2, 3.5, 4, 4.5}, Event: []bool{true, true, false, true, false}}
	risk := []float64{.9, .8, .1, .5, .7}
	c, err := survival.ConcordanceIndexIPCW(test, risk, &survival.IPCWOptions{Train: &train})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Uno's C = %.4f (= 84/148)\n", c.Index)
	// Output: Uno's C = 0.5676 (= 84/148)
}

func ExampleLogRankTest() {
	o := survival.Outcomes{Time: []float64{1, 3, 2, 4}, Event: []bool{true, true, true, true}}
	lr, err := survival.LogRankTest(o, []int{0, 0, 1, 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("chi2 = %.4f, df = %d, p = %.4f\n", lr.ChiSq, lr.DF, lr.P)
	// Output: chi2 = 0.6154, df = 1, p = 0.4328
}

func ExampleDegradationAnalysis() {
	// PARACHUTE on ccRCC, supplement Table 5: Δ(5→15) = +0.023, Δ(5→30) = −0.022.
	d, err := survival.DegradationAnalysis(0.700, 0.723, 0.678)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Δ(15→30) = %+.3f, speeds %+.3f %+.3f %+.3f per 10 points\n",
		d.Delta15to30, d.Speed5to15, d.Speed5to30, d.Speed15to30)
	// Output: Δ(15→30) = -0.045, speeds +0.023 -0.009 -0.030 per 10 points
}
