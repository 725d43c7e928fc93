package check

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
)

// fileProber is FILE_CHECK: the integer at the start of the track_file's
// file decides. With weight 0 a non-zero value means down (reverse: zero
// means down); otherwise the server stays up and value × weight (negated
// with reverse) adjusts its weight.
type fileProber struct {
	path    string
	weight  int
	reverse bool
}

func newFile(c Checker) (Prober, error) {
	f := c.File()
	if f == nil || f.Path == "" {
		return nil, fmt.Errorf("FILE_CHECK needs a track_file with a file path")
	}
	return &fileProber{path: f.Path, weight: f.Weight, reverse: f.Reverse}, nil
}

// Probe reads the file; an unreadable file is a failure, so a deleted
// status file cannot leave a server in service.
func (p *fileProber) Probe(context.Context) Outcome {
	b, err := os.ReadFile(p.path)
	if err != nil {
		return down("track file: %v", err)
	}
	v := leadingInt(b)
	return fileOutcome(v, p.weight, p.reverse, p.path)
}

func fileOutcome(v, weight int, reverse bool, path string) Outcome {
	if weight == 0 {
		if (v != 0) != reverse {
			return downAs(FailFileValue, "track file %s holds %d", path, v)
		}
		return up(fmt.Sprintf("track file %s holds %d", path, v))
	}
	delta := v * weight
	if reverse {
		delta = -delta
	}
	// keepalived puts the checker down when value × weight reaches
	// IPVS_WEIGHT_FAULT (INT32_MIN), rather than clamping it to weight 0.
	if delta <= math.MinInt32 {
		return downAs(FailFileValue, "track file %s holds %d: %d × %d is at or below the fault weight", path, v, v, weight)
	}
	o := up(fmt.Sprintf("track file %s holds %d", path, v))
	o.WeightDelta = delta
	return o
}

// leadingInt parses an optionally signed decimal at the start of b after
// blanks, like strtol; anything else reads as 0.
func leadingInt(b []byte) int {
	b = bytes.TrimLeft(b, " \t\r\n")
	end := 0
	if end < len(b) && (b[end] == '-' || b[end] == '+') {
		end++
	}
	for end < len(b) && b[end] >= '0' && b[end] <= '9' {
		end++
	}
	v, err := strconv.Atoi(string(b[:end]))
	if err != nil {
		return 0
	}
	return v
}
