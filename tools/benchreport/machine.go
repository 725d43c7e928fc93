package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// env names where and when the figures were taken: they mean little
// without the machine, its load, the kernel and the commit.
type env struct {
	date, cpu, mem, kernel, commit, keepalived string
	cores                                      int
	loadStart, loadEnd                         string
	// loadMax is the highest one-minute load average sampled during the
	// run: start and end alone hide a busy middle.
	loadMax float64
	// note is what the person who ran it says of the run's conditions
	// (-note).
	note string
	// run is the date of the benchreport invocation that measured it; a
	// source measured by a later, partial run names its own (reruns).
	run     string
	reruns  []string
	skipped []string // sources not selected by -rows
}

func machine(ctx context.Context) *env {
	now := time.Now().UTC().Format("2006-01-02 15:04 UTC")
	e := &env{date: now, run: now, cores: runtime.NumCPU(),
		cpu: procField("/proc/cpuinfo", "model name"), mem: memTotal(),
		kernel: firstLine("/proc/sys/kernel/osrelease"), loadStart: loadavg()}
	if out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty", "--abbrev=12").Output(); err == nil {
		e.commit = strings.TrimSpace(string(out))
	}
	// keepalived prints its version on stderr.
	if out, err := exec.CommandContext(ctx, "keepalived", "--version").CombinedOutput(); err == nil {
		e.keepalived = firstOfLines(string(out))
	} else {
		e.keepalived = "not installed"
	}
	return e
}

func (e *env) finish(context.Context) { e.loadEnd = loadavg() }

func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func firstLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return firstOfLines(string(b))
}

func firstOfLines(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(l)
}

func loadavg() string {
	f := strings.Fields(firstLine("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// memTotal is MemTotal in GiB.
func memTotal() string {
	f := strings.Fields(procField("/proc/meminfo", "MemTotal"))
	if len(f) < 2 {
		return "unknown"
	}
	kib, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kib/(1<<20))
}

// envFile keeps a run's env beside its outputs, so that -from redraws a
// report with the date, commit and load of the run, not of the redraw.
const envFile = "env.json"

type envJSON struct {
	Date, CPU, Mem, Kernel, Commit, Keepalived string
	Cores                                      int
	LoadStart, LoadEnd                         string
	LoadMax                                    float64
	Note, Run                                  string
}

func (e *env) save(dir string) error {
	b, err := json.MarshalIndent(envJSON{e.date, e.cpu, e.mem, e.kernel, e.commit, e.keepalived,
		e.cores, e.loadStart, e.loadEnd, e.loadMax, e.note, e.run}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, envFile), append(b, '\n'), 0o644)
}

// loadEnv reads a kept run's env; false when the run kept none.
func loadEnv(dir string) (*env, error) {
	b, err := os.ReadFile(filepath.Join(dir, envFile))
	if err != nil {
		return nil, err
	}
	var j envJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, envFile), err)
	}
	return &env{date: j.Date, cpu: j.CPU, mem: j.Mem, kernel: j.Kernel, commit: j.Commit,
		keepalived: j.Keepalived, cores: j.Cores, loadStart: j.LoadStart, loadEnd: j.LoadEnd,
		loadMax: j.LoadMax, note: j.Note, run: j.Run}, nil
}

// watchLoad samples the one-minute load average every 10 s into loadMax
// until ctx ends; the returned function stops it and waits.
func (e *env) watchLoad(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Second)
		defer t.Stop()
		for {
			if f := strings.Fields(firstLine("/proc/loadavg")); len(f) > 0 {
				if v, err := strconv.ParseFloat(f[0], 64); err == nil {
					e.loadMax = max(e.loadMax, v)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}

// rerun is the report's line for a source that a later run measured, or ""
// when src was measured by the run the header names.
func rerun(header *env, name string, src *env) string {
	if src == nil || src.run == "" || src.run == header.run || src.run == header.date {
		return ""
	}
	return fmt.Sprintf("%s: measured %s at commit %s (load average %s at its start, %s at its end)",
		name, src.date, src.commit, src.loadStart, src.loadEnd)
}
