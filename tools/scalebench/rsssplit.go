package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// RSS alone does not say whether a daemon's memory is its heap or its
// mapped binary: at 4,080 instances govrrpd's resident binary alone
// exceeded keepalived's whole RSS (docs/scale.md). The kernel splits
// VmRSS into RssAnon (heap, stacks), RssFile (the binary and libraries)
// and RssShmem; the report prints the first two, summed over the tree.

// rssSplit sums RssAnon and RssFile (KiB) of pids under procDir.
func rssSplit(procDir string, pids []int) (anon, file int64, err error) {
	for _, pid := range pids {
		b, err := os.ReadFile(filepath.Join(procDir, strconv.Itoa(pid), "status"))
		if err != nil {
			return 0, 0, fmt.Errorf("rss split of %d: %w", pid, err)
		}
		a, f, err := parseRSSSplit(b)
		if err != nil {
			return 0, 0, fmt.Errorf("rss split of %d: %w", pid, err)
		}
		anon, file = anon+a, file+f
	}
	return anon, file, nil
}

// parseRSSSplit reads the RssAnon and RssFile lines of a status file.
func parseRSSSplit(status []byte) (anon, file int64, err error) {
	have := 0
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		var dst *int64
		key, val, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		switch string(key) {
		case "RssAnon":
			dst = &anon
		case "RssFile":
			dst = &file
		}
		if !ok || dst == nil {
			continue
		}
		n, unit, _ := bytes.Cut(bytes.TrimSpace(val), []byte(" "))
		v, perr := strconv.ParseInt(string(n), 10, 64)
		if perr != nil || string(unit) != "kB" {
			return 0, 0, fmt.Errorf("status: %s is %q, want a count of kB", key, bytes.TrimSpace(val))
		}
		*dst = v
		have++
	}
	if have != 2 {
		return 0, 0, fmt.Errorf("status: RssAnon or RssFile missing")
	}
	return anon, file, nil
}
