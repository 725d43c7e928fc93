package opsserve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/bgpwire"
	"github.com/govrrpd/govrrpd/internal/console"
	"github.com/govrrpd/govrrpd/internal/control"
	"github.com/govrrpd/govrrpd/internal/metrics/metricshttp"
	"github.com/govrrpd/govrrpd/internal/opswire"
)

// Files the daemon passes: the socketpair, then the listeners in the
// order of Setup.Listeners.
const (
	daemonFD    = 3
	firstListen = 4
)

// Serve is `govrrpd-ops serve`: release is the helper's version, which
// the daemon checks against its own. It returns the exit status.
func Serve(release string, stderr io.Writer) int {
	f := os.NewFile(daemonFD, "govrrpd")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "govrrpd-ops serve: govrrpd starts this mode with its socket as file 3: %v\n", err)
		return 2
	}
	defer c.Close()
	if err := serve(c, release); err != nil {
		fmt.Fprintf(stderr, "govrrpd-ops serve: %v\n", err)
		return 1
	}
	return 0
}

func serve(c net.Conn, release string) error {
	w := opswire.NewWriter(c)
	if err := w.Send(opswire.Msg{Kind: opswire.KindHello, Release: release}); err != nil {
		return err
	}
	rd := opswire.NewReader(c, opswire.MaxFromDaemon)
	m, err := rd.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil // refused: the daemon logs why
		}
		return fmt.Errorf("setup: %w", err)
	}
	if m.Kind != opswire.KindSetup {
		return fmt.Errorf("setup: got %v", m.Kind)
	}
	st := m.Setup
	log := slog.New(bgpwire.NewHandler(func(r bgpwire.Record) {
		w.Send(opswire.Msg{Kind: opswire.KindLog, Log: &r})
	}, slog.Level(st.LogLevel)))
	sock, tcp, err := listeners(st)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := newRemote(w)
	rerr := make(chan error, 1)
	go func() {
		rerr <- b.read(rd)
		cancel() // the daemon is gone: stop at once
	}()
	id := newIdle(time.Duration(st.IdleNanos), cancel)
	if sock != nil {
		sock = listener{sock, id}
	}
	for i := range tcp {
		tcp[i] = listener{tcp[i], id}
	}
	if err := wrapTLS(st, tcp); err != nil {
		return err
	}
	run(ctx, b, st, sock, tcp, log)
	select {
	case err := <-rerr:
		return err
	default:
		return nil // idle: the daemon's end is still open
	}
}

// listeners turns the inherited files into listeners.
func listeners(st *opswire.Setup) (sock net.Listener, tcp []net.Listener, err error) {
	for i, kind := range st.Listeners {
		f := os.NewFile(uintptr(firstListen+i), kind)
		ln, err := net.FileListener(f)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("listener %d (%s): %w", firstListen+i, kind, err)
		}
		switch kind {
		case "socket":
			sock = ln
		case "tcp":
			tcp = append(tcp, ln)
		default:
			return nil, nil, fmt.Errorf("listener %d: kind %q", firstListen+i, kind)
		}
	}
	return sock, tcp, nil
}

// wrapTLS serves the TCP listeners over TLS with --http-tls-cert/-key.
func wrapTLS(st *opswire.Setup, tcp []net.Listener) error {
	if st.TLSCert == "" {
		return nil
	}
	cfg, err := TLSConfig(st.TLSCert, st.TLSKey)
	if err != nil {
		return err
	}
	for i, ln := range tcp {
		tcp[i] = tls.NewListener(ln, cfg)
	}
	return nil
}

// TLSConfig loads --http-tls-cert/--http-tls-key; the daemon runs
// `govrrpd-ops tls-check` at start so that a bad pair stops the start.
func TLSConfig(cert, key string) (*tls.Config, error) {
	c, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("--http-tls-cert/--http-tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{c}, MinVersion: tls.VersionTLS12}, nil
}

// run serves until ctx ends (idle, or the daemon gone).
func run(ctx context.Context, b *remote, st *opswire.Setup, sock net.Listener, tcp []net.Listener, log *slog.Logger) {
	s := control.New(b, control.Options{Log: log, Token: st.Token, Metrics: metricshttp.Page(b.page),
		Timeout: time.Duration(st.TimeoutNanos)})
	co := console.Options{Log: log, Auth: s.Auth(), ConfigFile: st.ConfigFile, AllowEdit: st.AllowEdit,
		ConfigOptions: confparse.Options{ConfigID: st.ConfigID, AllConfig: st.AllConfig, CheckInterfaces: true,
			InterfaceExists: interfaceExists, InNamespace: st.InNamespace}}
	s.Mount(console.Prefix, control.Lazy(func() http.Handler { return console.New(b, co) }))
	var wg sync.WaitGroup
	if sock != nil {
		wg.Go(func() {
			if err := s.ServeSocket(ctx, sock); err != nil {
				log.Error("control socket", "err", err)
			}
		})
	}
	if len(tcp) > 0 {
		wg.Go(func() {
			if err := s.ServeTCP(ctx, tcp...); err != nil {
				log.Error("http listener", "err", err)
			}
		})
	}
	wg.Wait()
}

func interfaceExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}
