package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Parsers of the /proc files the process's series come from. The kernel
// writes them, but a parser of them is still one of outside input: each
// refuses what it cannot read instead of trusting a field's position.

// procStat is what the process series take from /proc/self/stat, in the
// kernel's units (clock ticks, pages).
type procStat struct {
	utime, stime, start, vsize, rss uint64
}

// parseStat reads /proc/self/stat: after the command, which is in
// parentheses and may hold anything (spaces, parentheses), field 14 and
// 15 (user and system time), 22 (start, ticks after boot), 23 (virtual
// size, bytes) and 24 (resident pages).
func parseStat(b []byte) (procStat, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 || bytes.IndexByte(b, '(') < 0 {
		return procStat{}, errors.New("stat: no (command)")
	}
	f := strings.Fields(string(b[end+1:])) // f[0] is field 3, the state
	if len(f) < 22 {
		return procStat{}, fmt.Errorf("stat: %d fields after the command, want 22 or more", len(f))
	}
	var st procStat
	for _, x := range []struct {
		to    *uint64
		field int
	}{{&st.utime, 14}, {&st.stime, 15}, {&st.start, 22}, {&st.vsize, 23}, {&st.rss, 24}} {
		v, err := strconv.ParseUint(f[x.field-3], 10, 64)
		if err != nil {
			return procStat{}, fmt.Errorf("stat: field %d: %w", x.field, err)
		}
		*x.to = v
	}
	return st, nil
}

// parseLimits reads the soft limits of open files and address space from
// /proc/self/limits, whose columns are two or more spaces apart (the
// limits' names have single spaces). unlimited is the largest uint64.
func parseLimits(b []byte) (openFiles, addressSpace uint64, err error) {
	var files, space bool
	for line := range strings.Lines(string(b)) {
		name, rest, ok := strings.Cut(line, "  ")
		if !ok {
			continue
		}
		var to *uint64
		switch name {
		case "Max open files":
			to, files = &openFiles, true
		case "Max address space":
			to, space = &addressSpace, true
		default:
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			return 0, 0, fmt.Errorf("limits: %s: no soft limit", name)
		}
		if soft := f[0]; soft == "unlimited" {
			*to = math.MaxUint64
		} else if *to, err = strconv.ParseUint(soft, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("limits: %s: %w", name, err)
		}
	}
	if !files || !space {
		return 0, 0, errors.New("limits: no Max open files or Max address space")
	}
	return openFiles, addressSpace, nil
}

// parseBootTime reads btime (seconds since the epoch) from /proc/stat.
func parseBootTime(b []byte) (uint64, error) {
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			t, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("stat: btime: %w", err)
			}
			return t, nil
		}
	}
	return 0, errors.New("stat: no btime")
}

// parseNetstat reads the IP octets in and out of the process's network
// namespace from /proc/self/net/netstat: an "IpExt:" line of names, then
// one of values. A file without them reads 0, as client_golang's did.
func parseNetstat(b []byte) (in, out uint64, err error) {
	var names []string
	for line := range strings.Lines(string(b)) {
		rest, ok := strings.CutPrefix(line, "IpExt:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if names == nil {
			names = f
			continue
		}
		if len(f) != len(names) {
			return 0, 0, fmt.Errorf("netstat: IpExt: %d values for %d names", len(f), len(names))
		}
		for i, n := range names {
			var to *uint64
			switch n {
			case "InOctets":
				to = &in
			case "OutOctets":
				to = &out
			default:
				continue
			}
			if *to, err = strconv.ParseUint(f[i], 10, 64); err != nil {
				return 0, 0, fmt.Errorf("netstat: IpExt %s: %w", n, err)
			}
		}
		return in, out, nil
	}
	return 0, 0, nil
}
