// SPDX-License-Identifier: Apache-2.0

//go:build !unix

package atomicfile

import "io/fs"

// umask is 0 where there is none: new files get mode 0666, as os.WriteFile
// gives them.
var umask fs.FileMode
