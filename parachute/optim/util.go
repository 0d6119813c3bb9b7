// SPDX-License-Identifier: Apache-2.0

package optim

import "fmt"

// panicf panics with a package-prefixed error: graph-building code reports
// misuse by panicking, as GoMLX does.
func panicf(format string, args ...any) { panic(fmt.Errorf(format, args...)) }
