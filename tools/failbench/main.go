package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

func main() {
	bin := flag.String("govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary (default $GOVRRPD_BIN)")
	ka := flag.String("keepalived", "keepalived", "keepalived binary")
	runs := flag.Int("runs", 0, "runs per cell (0: 3 for v2, 5 for v3)")
	modesFlag := flag.String("modes", "v2 1s,v3 100ms,v3 10ms", "comma-separated modes")
	out := flag.String("out", "", "directory for daemon logs and results.tsv (default: a new temp dir)")
	seed := flag.Uint64("seed", 0, "seed for the crash phases (0: from the clock; printed either way)")
	flag.Parse()
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	if err := run(*bin, *ka, *runs, *modesFlag, *out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "failbench:", err)
		os.Exit(1)
	}
}

func run(bin, ka string, runs int, modeNames, out string, seed uint64) error {
	if err := lab.Supported(); err != nil {
		return fmt.Errorf("%w (run as root: sudo make bench)", err)
	}
	if bin == "" {
		return errors.New("no govrrpd binary: set GOVRRPD_BIN or -govrrpd")
	}
	impls := []string{"govrrpd", "keepalived"}
	if _, err := exec.LookPath(ka); err != nil {
		fmt.Println("keepalived not installed: measuring govrrpd alone (apt-get install keepalived)")
		impls = impls[:1]
	}
	modes, err := selectModes(modeNames, runs)
	if err != nil {
		return err
	}
	if out == "" {
		if out, err = os.MkdirTemp("", "failbench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := lab.New(lab.Config{Routers: 2 * len(impls), Client: true})
	if err != nil {
		return err
	}
	defer func() {
		if err := l.Close(); err != nil {
			slog.Error("lab cleanup", "err", err)
		}
	}()
	w, err := l.WatchAddrs()
	if err != nil {
		return err
	}
	defer w.Close()
	adv, err := l.Client.StartAdvertLog()
	if err != nil {
		return err
	}
	defer adv.Close()
	mt := meters{lab: l, addrs: w, adverts: adv}
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 0))
	fmt.Printf("crash phases from -seed %d\n", seed)
	var all []sample
	for _, m := range modes {
		got, err := runMode(ctx, mt, m, impls, map[string]string{"govrrpd": bin, "keepalived": ka}, out, drawPhases(rng, m.Runs))
		all = append(all, got...)
		if err != nil {
			return err
		}
	}
	fmt.Printf("\nfailover benchmark: %d runs in %v; client probes ICMP every %v; logs in %s\n\n",
		len(all), time.Since(start).Round(time.Second), probeEvery, out)
	report(os.Stdout, all, modes, []event{evKill, evTerm})
	clientNote(os.Stdout, all)
	f, err := os.Create(filepath.Join(out, "results.tsv"))
	if err != nil {
		return err
	}
	defer f.Close()
	writeTSV(f, all)
	return nil
}

func selectModes(names string, runs int) ([]mode, error) {
	var out []mode
	for _, n := range strings.Split(names, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, m := range allModes {
			if m.Name == n {
				if runs > 0 {
					m.Runs = runs
				}
				out, found = append(out, m), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown mode %q", n)
		}
	}
	return out, nil
}

// runMode starts every implementation's pair with m's settings and
// alternates runs between them: kill, then term, m.Runs times; run k of
// every implementation and event lands at phases[k].
func runMode(ctx context.Context, mt meters, m mode, impls []string, bins map[string]string, out string, phases []float64) ([]sample, error) {
	dir := filepath.Join(out, strings.ReplaceAll(m.Name, " ", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var pairs []*pair
	for i, impl := range impls {
		vip := netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 0, 2, byte(200 + i)}), 24)
		p, err := newPair(impl, bins[impl], [2]*lab.Host{mt.lab.Routers[2*i], mt.lab.Routers[2*i+1]}, 51+i, vip, m, dir)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, p)
	}
	defer func() {
		for _, p := range pairs {
			for _, pr := range p.procs {
				if pr != nil {
					pr.Stop(2 * time.Second)
				}
			}
		}
	}()
	var all []sample
	for run := 1; run <= m.Runs; run++ {
		for _, ev := range []event{evKill, evTerm} {
			for _, p := range pairs {
				if ctx.Err() != nil {
					return all, ctx.Err()
				}
				s := runTrial(ctx, p, mt, m, ev, phases[run-1])
				s.Run = run
				all = append(all, s)
				line := fmt.Sprintf("%-8s %-10s %-4s run %d phase %.2f (got %.2f): takeover %6s ms (late %6s), outage %6s ms (%d lost)",
					m.Name, p.impl, ev, run, s.Phase, s.PhaseGot, ms(s.Takeover), sms(s.Late), ms(s.Outage), s.Lost)
				if s.SendGap > lateReply || s.ClientLate > 0 {
					line += fmt.Sprintf("  client stalled: sent nothing for %s ms, %d probes late", ms(s.SendGap), s.ClientLate)
				}
				if s.Err != "" {
					line += "  ERROR " + s.Err
				}
				fmt.Println(line)
			}
		}
	}
	return all, nil
}
