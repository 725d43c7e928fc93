//go:build !linux

package daemon

import (
	"errors"
	"runtime"
)

func trimText() (int64, error) {
	return 0, errors.New("trim binary: not supported on " + runtime.GOOS)
}
