package main

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/internal/ctlapi"
	"github.com/govrrpd/govrrpd/internal/helperbin"
	"github.com/govrrpd/govrrpd/internal/metrics"
	"github.com/govrrpd/govrrpd/internal/opsproc"
	"github.com/govrrpd/govrrpd/internal/opswire"
)

// opsListeners are the control socket and the TCP listener, opened
// before the daemon starts so that a bad --http-token-file or a busy
// address stops the start with a clear message, not a half-running daemon.
// The daemon keeps them; govrrpd-ops serves them, started when a
// connection is pending (internal/opsproc).
type opsListeners struct {
	sock  net.Listener
	tcp   []net.Listener
	token []byte
	// sockErr is why the default socket could not be opened: another
	// daemon on the host holds it. That daemon keeps it and this one runs
	// without; only a socket asked for by name is worth refusing to start.
	sockErr error
	// metrics exists from before the subsystems start: each registers
	// its collectors on it as it starts. nil without a listener.
	metrics *metrics.Metrics
	// helper is govrrpd-ops (helperErr: where it was looked for).
	helper    string
	helperErr error
	setup     opswire.Setup
	proc      *opsproc.Proc
}

// testOpsHelper is the govrrpd-ops the tests built (TestMain): the test
// binary has no helper beside it.
var testOpsHelper string

// namespaceSocket gives a daemon run with --namespace NAME its own
// default socket, /run/govrrpd/NAME/control.sock, as its pid files move
// under /run/keepalived/NAME/.
func namespaceSocket(o *options) {
	if o.namespace != "" && !o.set["control-socket"] && o.controlSocket == ctlapi.DefaultSocket {
		o.controlSocket = filepath.Join(filepath.Dir(ctlapi.DefaultSocket), o.namespace, filepath.Base(ctlapi.DefaultSocket))
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
		tok, err := ctlapi.LoadToken(o.httpTokenFile)
		if err != nil {
			return nil, err
		}
		l.token = tok
	}
	if o.controlSocket != "" {
		ln, err := ctlapi.ListenSocket(o.controlSocket)
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
		lns, err := ctlapi.ListenTCP(o.httpListen)
		if err != nil {
			l.close()
			return nil, err
		}
		l.tcp = lns
	}
	if l.sock != nil || len(l.tcp) > 0 {
		l.helper, l.helperErr = helperbin.Find("govrrpd-ops", cmp.Or(o.opsHelper, testOpsHelper))
	}
	if err := l.checkTLS(o); err != nil {
		l.close()
		return nil, err
	}
	level := slog.LevelInfo
	if o.logDetail {
		level = slog.LevelDebug
	}
	// The editor checks a file as -t does (interfaces included), not
	// only as a reload reads it: a typo'd interface is refused before
	// it is written.
	l.setup = opswire.Setup{Token: l.token, TLSCert: o.httpTLSCert, TLSKey: o.httpTLSKey,
		ConfigFile: o.configFile, AllowEdit: o.httpAllowEdit, ConfigID: o.configID, AllConfig: o.allConfig,
		InNamespace: os.Getenv(netnsEnv) != "", IdleNanos: int64(o.opsIdle), LogLevel: int(level)}
	if l.sock != nil || len(l.tcp) > 0 {
		l.metrics = metrics.New(version)
	}
	return l, nil
}

// checkTLS has govrrpd-ops load --http-tls-cert/--http-tls-key once at
// start (the daemon does not link crypto/tls): a bad pair stops the start
// with the helper's message, as it did when the daemon loaded it.
func (l *opsListeners) checkTLS(o *options) error {
	if o.httpTLSCert == "" && o.httpTLSKey == "" {
		return nil
	}
	if o.httpTLSCert == "" || o.httpTLSKey == "" || o.httpListen == "" {
		return fmt.Errorf("--http-tls-cert and --http-tls-key go together, with --http-listen")
	}
	if l.helperErr != nil {
		return fmt.Errorf("--http-tls-cert: TLS is served by govrrpd-ops: %w", l.helperErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, l.helper, "tls-check", o.httpTLSCert, o.httpTLSKey)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("%s", msg)
		}
		return fmt.Errorf("--http-tls-cert/--http-tls-key: %s tls-check: %w", l.helper, err)
	}
	return nil
}

// serve has govrrpd-ops answer on every listener over b until ctx ends.
func (l *opsListeners) serve(ctx context.Context, b ctlapi.Backend, log *slog.Logger) {
	if l.sockErr != nil {
		log.Warn("control socket unavailable", "err", l.sockErr)
	}
	if l.sock == nil && len(l.tcp) == 0 {
		return
	}
	if l.sock != nil {
		log.Info("control socket listening", "path", l.sock.Addr().String())
	}
	for _, ln := range l.tcp {
		log.Info("http listening (/metrics, /api/v1/, /ui/)", "addr", ln.Addr().String(), "writes", len(l.token) > 0,
			"tls", l.setup.TLSCert != "", "edit", l.setup.AllowEdit)
	}
	l.proc = opsproc.Start(ctx, opsproc.Options{Helper: l.helper, HelperErr: l.helperErr, Socket: l.sock, TCP: l.tcp,
		Setup: l.setup, Backend: b, Metrics: l.metrics, Release: version, Log: log})
}

// close closes the listeners; the helper, if one runs, has stopped.
func (l *opsListeners) close() {
	if l.sock != nil {
		l.sock.Close()
	}
	for _, ln := range l.tcp {
		ln.Close()
	}
}

// wait waits for the helper to stop after its ctx ended.
func (l *opsListeners) wait() {
	if l.proc != nil {
		l.proc.Wait()
	}
}
