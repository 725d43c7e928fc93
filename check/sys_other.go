//go:build !linux

package check

import (
	"fmt"
	"runtime"
)

// errNotSupported is what a Linux-only checker option answers elsewhere.
var errNotSupported = fmt.Errorf("not supported on %s", runtime.GOOS)
