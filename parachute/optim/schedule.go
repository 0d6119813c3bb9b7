// SPDX-License-Identifier: Apache-2.0

package optim

import (
	"fmt"
	"math"
)

// Cosine is the cosine-annealing learning rate of the supplement's Eq. 11,
//
//	η_t = η_min + ½ (η_max − η_min) (1 + cos(π T_cur / T_max)),
//
// with T_cur the epoch (0-based). As PyTorch's CosineAnnealingLR, which the
// authors step once per epoch, it does not stop at T_max: past it the rate
// climbs back, oscillating with period 2·T_max.
type Cosine struct {
	Max, Min float64 // η_max and η_min
	TMax     int     // half-period in epochs
}

// At returns the learning rate of epoch t.
func (c Cosine) At(epoch int) float64 {
	return c.Min + 0.5*(c.Max-c.Min)*(1+math.Cos(math.Pi*float64(epoch)/float64(c.TMax)))
}

// Validate checks the schedule.
func (c Cosine) Validate() error {
	if !(c.Max > 0) || c.Min < 0 || c.Min > c.Max || c.TMax < 1 {
		return fmt.Errorf("optim: cosine schedule %+v: need 0 ≤ min ≤ max, max > 0, T_max ≥ 1", c)
	}
	return nil
}
