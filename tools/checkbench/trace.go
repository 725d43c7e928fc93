package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// straceRun attaches strace to every thread of pids for d and writes what
// it printed to w: with count, the per-system-call summary (-c); otherwise
// the first lines of a timestamped trace, to read a single check's calls.
// It runs after the measured window, because tracing slows the traced
// process many times over. The VM has no strace of its own, so
// bench/check-vm.sh copies the host's with its libraries next to it, and
// LD_LIBRARY_PATH points there.
func straceRun(w io.Writer, bin string, pids []int, d time.Duration, count bool, lines int) error {
	out := filepath.Join(os.TempDir(), fmt.Sprintf("checkbench-strace-%d.txt", pids[0]))
	defer os.Remove(out)
	args := []string{"-f", "-qq", "-o", out}
	if count {
		args = append(args, "-c", "-S", "calls")
	} else {
		args = append(args, "-tt", "-s", "0", "-yy")
	}
	for _, p := range pids {
		args = append(args, "-p", strconv.Itoa(p))
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+filepath.Dir(bin))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("strace: %w", err)
	}
	time.Sleep(d)
	_ = cmd.Process.Signal(syscall.SIGINT) // detaches and writes the summary
	werr := cmd.Wait()                     // strace ends by the signal it was sent
	b, err := os.ReadFile(out)
	if err != nil || len(b) == 0 {
		return fmt.Errorf("strace: no output (%v, %v): %s", werr, err, strings.TrimSpace(stderr.String()))
	}
	if !count {
		ls := strings.SplitAfter(string(b), "\n")
		b = []byte(strings.Join(ls[:min(lines, len(ls))], ""))
	}
	_, err = w.Write(b)
	return err
}
