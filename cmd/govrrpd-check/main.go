package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/govrrpd/govrrpd/check/httpcheck"
)

func main() {
	var level slog.Level
	flag.TextVar(&level, "log-level", slog.LevelInfo, "lowest level logged (to standard error, govrrpd's)")
	flag.Parse()
	// Non-blocking, the pipes are waited for by the runtime's poller: a
	// blocking read would hold a thread in the kernel between attempts,
	// and each wake-up would cost a thread hand-off.
	for _, fd := range []int{3, 4} {
		_ = syscall.SetNonblock(fd, true)
	}
	in, out := os.NewFile(3, "from-govrrpd"), os.NewFile(4, "to-govrrpd")
	for _, f := range []*os.File{in, out} {
		if _, err := f.Stat(); err != nil {
			fmt.Fprintf(os.Stderr, "govrrpd-check: govrrpd starts this helper for HTTP_GET and SSL_GET; fd %d: %v\n", f.Fd(), err)
			os.Exit(2)
		}
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("helper", "govrrpd-check")
	// One P unless GOMAXPROCS says otherwise: an attempt is a few system
	// calls and waits, and with a second P each wake-up also woke a thread
	// to look for work: 200 HTTP_GET checkers at 1 s cost the helper 8.2 %
	// of a CPU with two, 4.9 % with one (docs/scale.md, Session 9).
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	exitWithParent()
	if err := httpcheck.Serve(context.Background(), in, out, log); err != nil {
		log.Error("stopped", "err", err)
		os.Exit(1)
	}
}

// exitWithParent leaves a SIGTERM while govrrpd lives (systemd signals the
// whole unit) to govrrpd, which closes the pipe when it is done with the
// checkers; one after (the parent-death signal) ends the helper at once.
func exitWithParent() {
	parent := os.Getppid()
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		for range term {
			if os.Getppid() != parent {
				os.Exit(0)
			}
		}
	}()
}
