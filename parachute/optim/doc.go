// SPDX-License-Identifier: Apache-2.0

// Package optim holds the training steps of goparachute: AdamW with the
// supplement's cosine schedule (Eq. 11), and the optimizers Figure 5 compares.
// Optimizer state lives in the GoMLX context under the scope "optim".
package optim
