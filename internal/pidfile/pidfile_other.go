//go:build !linux

package pidfile

import (
	"fmt"
	"os"
	"runtime"
)

var errNotSupported = fmt.Errorf("pid files are not supported on %s", runtime.GOOS)

func create(string) (*os.File, error) { return nil, errNotSupported }

func readNoFollow(string) ([]byte, error) { return nil, errNotSupported }

func alive(int) bool { return false }
