package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/govrrpd/govrrpd/internal/console"
	"github.com/govrrpd/govrrpd/internal/control"

	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/metrics/metricshttp"
)

// opsListeners are the control socket and the TCP listener, opened
// before the daemon starts so that a bad --http-token-file or a busy
// address stops the start with a clear message, not a half-running daemon.
type opsListeners struct {
	sock  net.Listener
	tcp   []net.Listener
	token []byte
	// sockErr is why the default socket could not be opened: another
	// daemon on the host holds it. That daemon keeps it and this one runs
	// without; only a socket asked for by name is worth refusing to start.
	sockErr error
	wg      sync.WaitGroup
	// metrics exists from before the subsystems start: each registers
	// its collectors on it as it starts. nil without a listener.
	metrics *metrics.Metrics
	// console configures the web console mounted on the TCP listener.
	console console.Options
	tls     bool
}

// namespaceSocket gives a daemon run with --namespace NAME its own
// default socket, /run/govrrpd/NAME/control.sock, as its pid files move
// under /run/keepalived/NAME/.
func namespaceSocket(o *options) {
	if o.namespace != "" && !o.set["control-socket"] && o.controlSocket == control.DefaultSocket {
		o.controlSocket = filepath.Join(filepath.Dir(control.DefaultSocket), o.namespace, filepath.Base(control.DefaultSocket))
	}
}

// openOps opens what the flags ask for. The socket is on by default;
// TCP only with --http-listen.
func openOps(o *options) (*opsListeners, error) {
	l := &opsListeners{}
	if o.httpTokenFile != "" {
		if o.httpListen == "" {
			return nil, fmt.Errorf("--http-token-file needs --http-listen")
		}
		tok, err := control.LoadToken(o.httpTokenFile)
		if err != nil {
			return nil, err
		}
		l.token = tok
	}
	if o.controlSocket != "" {
		ln, err := control.ListenSocket(o.controlSocket)
		switch {
		case err != nil && o.set["control-socket"]:
			return nil, fmt.Errorf("%w (--control-socket='' disables it)", err)
		case err != nil:
			l.sockErr = fmt.Errorf("%w; status, plan and ctl cannot reach this daemon: give each daemon its own --control-socket", err)
		default:
			l.sock = ln
		}
	}
	if o.httpListen != "" {
		lns, err := control.ListenTCP(o.httpListen)
		if err != nil {
			l.close()
			return nil, err
		}
		l.tcp = lns
	}
	if err := l.setupTLS(o); err != nil {
		l.close()
		return nil, err
	}
	// The editor checks a file as -t does (interfaces included), not
	// only as a reload reads it: a typo'd interface is refused before
	// it is written.
	l.console = console.Options{ConfigFile: o.configFile, ConfigOptions: parseOptions(o, true), AllowEdit: o.httpAllowEdit}
	if l.sock != nil || len(l.tcp) > 0 {
		l.metrics = metrics.New(version)
	}
	return l, nil
}

// setupTLS wraps the TCP listeners for --http-tls-cert/--http-tls-key.
func (l *opsListeners) setupTLS(o *options) error {
	if o.httpTLSCert == "" && o.httpTLSKey == "" {
		return nil
	}
	if o.httpTLSCert == "" || o.httpTLSKey == "" || o.httpListen == "" {
		return fmt.Errorf("--http-tls-cert and --http-tls-key go together, with --http-listen")
	}
	cert, err := tls.LoadX509KeyPair(o.httpTLSCert, o.httpTLSKey)
	if err != nil {
		return fmt.Errorf("--http-tls-cert/--http-tls-key: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	for i, ln := range l.tcp {
		l.tcp[i] = tls.NewListener(ln, cfg)
	}
	l.tls = true
	return nil
}

// serve answers on every listener over b until ctx ends.
func (l *opsListeners) serve(ctx context.Context, b control.Backend, log *slog.Logger) {
	if l.sockErr != nil {
		log.Warn("control socket unavailable", "err", l.sockErr)
	}
	if l.sock == nil && len(l.tcp) == 0 {
		return
	}
	s := control.New(b, control.Options{Log: log, Token: l.token, Metrics: metricshttp.Handler(l.metrics)})
	l.console.Log, l.console.Auth = log, s.Auth()
	// Built on the first /ui/ request: only the TCP listener serves the
	// console, and most daemons never open it.
	s.Mount(console.Prefix, control.Lazy(func() http.Handler { return console.New(b, l.console) }))
	if l.sock != nil {
		log.Info("control socket listening", "path", l.sock.Addr().String())
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			if err := s.ServeSocket(ctx, l.sock); err != nil {
				log.Error("control socket", "err", err)
			}
		}()
	}
	if len(l.tcp) > 0 {
		for _, ln := range l.tcp {
			log.Info("http listening (/metrics, /api/v1/, /ui/)", "addr", ln.Addr().String(), "writes", len(l.token) > 0,
				"tls", l.tls, "edit", l.console.AllowEdit)
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			if err := s.ServeTCP(ctx, l.tcp...); err != nil {
				log.Error("http listener", "err", err)
			}
		}()
	}
}

// close closes listeners that were never served.
func (l *opsListeners) close() {
	if l.sock != nil {
		l.sock.Close()
	}
	for _, ln := range l.tcp {
		ln.Close()
	}
}

// wait waits for the servers to stop after their ctx ended.
func (l *opsListeners) wait() { l.wg.Wait() }
