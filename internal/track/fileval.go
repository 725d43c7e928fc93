package track

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"syscall"
)

// fileReadMax is how much of a track_file keepalived reads (a 128-byte
// buffer with its terminating NUL).
const fileReadMax = 127

// errBadValue marks a number that does not fit; keepalived logs "Invalid
// number ... ignoring" and keeps the previous value.
var errBadValue = errors.New("number out of range")

// ParseFileValue reads a track_file's contents the way keepalived does,
// with strtol(buf, NULL, 0) over the first 127 bytes: leading white space,
// an optional sign, then a decimal, 0x-hex or 0-octal number, and anything
// after it ignored. Contents that do not start with a number (including an
// empty file) are 0, exactly like a missing file. A number outside the
// 32-bit range is an error: the caller keeps the previous value.
func ParseFileValue(b []byte) (int, error) {
	if len(b) > fileReadMax {
		b = b[:fileReadMax]
	}
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	base := uint64(10)
	switch {
	case i+2 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') && digitVal(b[i+2]) < 16:
		base, i = 16, i+2
	case i < len(b) && b[i] == '0':
		base = 8
	}
	var v uint64
	overflow := false
	for ; i < len(b); i++ {
		d := digitVal(b[i])
		if d >= base {
			break
		}
		if v > (math.MaxUint64-d)/base {
			overflow = true
			continue
		}
		v = v*base + d
	}
	if overflow || (!neg && v > math.MaxInt32) || (neg && v > -math.MinInt32) {
		sign := ""
		if neg {
			sign = "-"
		}
		return 0, fmt.Errorf("%s%s: %w", sign, strconv.FormatUint(v, 10), errBadValue)
	}
	if neg {
		return -int(v), nil
	}
	return int(v), nil
}

func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func digitVal(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'z':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return uint64(c-'A') + 10
	}
	return 99
}

// readFileValue reads path; a missing or unreadable file counts as 0, as in
// keepalived, so deleting the file is a way to clear it.
func readFileValue(path string) (int, error) {
	// O_NONBLOCK: a FIFO in place of the file must not hang the watcher.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, nil
	}
	defer f.Close()
	buf := make([]byte, fileReadMax)
	n, _ := f.Read(buf)
	v, err := ParseFileValue(buf[:n])
	if err != nil {
		return 0, fmt.Errorf("track_file %s: %w", path, err)
	}
	return v, nil
}

// initFile applies init_file: create the file with the value when it does
// not exist, or write it regardless with overwrite.
func initFile(path string, value int, overwrite bool) error {
	if !overwrite {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(value)+"\n"), 0o644); err != nil {
		return fmt.Errorf("track_file init_file: %w", err)
	}
	return nil
}
