package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/internal/bgpspeaker"
)

// exitBound is how long the helper may take to withdraw once govrrpd is
// gone before it exits regardless: it never outlives govrrpd for long.
const exitBound = 30 * time.Second

func main() {
	interval := flag.Duration("interval", bgpspeaker.DefaultInterval, "how often the conditions are judged")
	var level slog.Level
	flag.TextVar(&level, "log-level", slog.LevelInfo, "lowest level of the records sent to govrrpd")
	flag.Parse()
	in, out := os.NewFile(3, "from-govrrpd"), os.NewFile(4, "to-govrrpd")
	for _, f := range []*os.File{in, out} {
		if _, err := f.Stat(); err != nil {
			fmt.Fprintf(os.Stderr, "govrrpd-bgp: govrrpd starts this helper for --bgp-config; fd %d: %v\n", f.Fd(), err)
			os.Exit(2)
		}
	}
	ctx := whileParentLives()
	if err := bgpspeaker.Serve(ctx, in, out, bgpspeaker.ServeOptions{Interval: *interval, Level: level}); err != nil {
		fmt.Fprintf(os.Stderr, "govrrpd-bgp: %v\n", err)
		os.Exit(1)
	}
}

// whileParentLives is done once govrrpd is gone. A SIGTERM while it lives
// (systemd signals the whole unit) is left to govrrpd, which stops this
// helper after withdrawing; one after (the parent-death signal) means
// withdraw now.
func whileParentLives() context.Context {
	parent := os.Getppid()
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for range term {
			if os.Getppid() != parent {
				cancel()
				time.AfterFunc(exitBound, func() { os.Exit(1) })
				return
			}
		}
	}()
	return ctx
}
