package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
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
	skipped                                    []string // sources not selected by -rows
}

func machine(ctx context.Context) *env {
	e := &env{date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), cores: runtime.NumCPU(),
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
