package check

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseStatusCodes reads status_code's arguments ("200", "200-299 401"),
// exported so the configuration parser and the checker agree on the syntax.
// Codes must lie in 100..599 and ranges must not be reversed.
func ParseStatusCodes(args []string) ([]StatusRange, error) {
	var out []StatusRange
	for _, arg := range args {
		for _, f := range strings.Fields(arg) {
			r, err := parseStatusRange(f)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("status_code needs at least one code")
	}
	return out, nil
}

func parseStatusRange(f string) (StatusRange, error) {
	lo, hi, isRange := strings.Cut(f, "-")
	l, err := parseStatus(lo)
	if err != nil {
		return StatusRange{}, err
	}
	if !isRange {
		return StatusRange{l, l}, nil
	}
	h, err := parseStatus(hi)
	if err != nil {
		return StatusRange{}, err
	}
	if h < l {
		return StatusRange{}, fmt.Errorf("status_code range %q is reversed", f)
	}
	return StatusRange{l, h}, nil
}

func parseStatus(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 || len(s) != 3 {
		return 0, fmt.Errorf("status_code %q: want a code in 100..599", s)
	}
	return n, nil
}

// statusOK reports whether code is accepted; no ranges means keepalived's
// default of any 2xx.
func statusOK(ranges []StatusRange, code int) bool {
	if len(ranges) == 0 {
		return code >= 200 && code <= 299
	}
	for _, r := range ranges {
		if code >= r.Lo && code <= r.Hi {
			return true
		}
	}
	return false
}
