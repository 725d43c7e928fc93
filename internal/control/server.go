package control

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Options configure a Server.
type Options struct {
	Log *slog.Logger
	// Token is --http-token-file's content; nil refuses TCP writes.
	Token []byte
	// Metrics serves /metrics on both listeners; nil: no /metrics.
	Metrics http.Handler
	// Timeout bounds one backend call (default 10 s): a wedged event loop
	// gives the caller an error instead of a hung CLI.
	Timeout time.Duration
}

// Server serves the API. Its handlers are built once; Mount adds more
// (the web console) before the TCP listener starts.
type Server struct {
	b      Backend
	log    *slog.Logger
	auth   *TokenAuth
	opts   Options
	mounts []mount
}

type mount struct {
	pattern string
	h       http.Handler
}

// New returns a server over b.
func New(b Backend, o Options) *Server {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	a := NewTokenAuth(o.Token)
	a.Log = o.Log
	return &Server{b: b, log: o.Log, auth: a, opts: o}
}

// Auth is the TCP middleware, for a console mounted beside the API.
func (s *Server) Auth() *TokenAuth { return s.auth }

// Mount serves h under pattern (a net/http ServeMux pattern such as
// "/ui/") on the TCP listener, behind the same token middleware. Call it
// before ServeTCP.
func (s *Server) Mount(pattern string, h http.Handler) {
	s.mounts = append(s.mounts, mount{pattern, h})
}

// api is the /api/v1/ tree; writes pass through RequireWrite, which lets
// every socket peer through and a TCP caller only with the token.
func (s *Server) api() *http.ServeMux {
	m := http.NewServeMux()
	w := s.auth.RequireWrite
	m.HandleFunc("GET /api/v1/status", s.read(func(d status.Daemon) any { return d }))
	m.HandleFunc("GET /api/v1/instances", s.read(func(d status.Daemon) any { return orEmpty(d.Instances) }))
	m.HandleFunc("GET /api/v1/instances/{name}", s.instance)
	m.HandleFunc("GET /api/v1/sync-groups", s.read(func(d status.Daemon) any { return orEmpty(d.SyncGroups) }))
	m.HandleFunc("GET /api/v1/peers", s.read(func(d status.Daemon) any { return orEmpty(d.Peers) }))
	m.HandleFunc("GET /api/v1/virtual-servers", s.read(func(d status.Daemon) any { return orEmpty(d.VirtualServers) }))
	m.HandleFunc("GET /api/v1/checkers", s.read(func(d status.Daemon) any { return checkers(d) }))
	m.HandleFunc("GET /api/v1/reloads", s.read(func(d status.Daemon) any { return orEmpty(d.Reloads) }))
	m.HandleFunc("GET /api/v1/bgp", s.bgp)
	m.Handle("POST /api/v1/drain", w(http.HandlerFunc(s.drain(true))))
	m.Handle("POST /api/v1/undrain", w(http.HandlerFunc(s.drain(false))))
	m.Handle("POST /api/v1/maintenance", w(http.HandlerFunc(s.maintenance)))
	m.Handle("POST /api/v1/reload", w(http.HandlerFunc(s.reload)))
	// plan reads a file of the caller's choosing as root, so it is a
	// write-level request.
	m.Handle("POST /api/v1/plan", w(http.HandlerFunc(s.plan)))
	m.HandleFunc("/api/", func(rw http.ResponseWriter, r *http.Request) {
		writeJSON(rw, http.StatusNotFound, Error{Error: fmt.Sprintf("no API endpoint %s %s (see docs/api.md)", r.Method, r.URL.Path)})
	})
	return m
}

// base is what both listeners serve: the API and /metrics.
func (s *Server) base() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("/api/", s.api())
	if s.opts.Metrics != nil {
		m.Handle("GET /metrics", s.opts.Metrics)
	}
	return m
}

// SocketHandler is the control socket's handler: the whole API and
// /metrics. Callers come from ConnContext (peer credentials).
func (s *Server) SocketHandler() http.Handler { return s.base() }

// TCPHandler is the TCP listener's handler: /metrics, the API (writes
// with the token) and whatever was mounted, behind the token middleware.
func (s *Server) TCPHandler() http.Handler {
	m := s.base()
	for _, mt := range s.mounts {
		m.Handle(mt.pattern, mt.h)
	}
	return s.auth.Middleware(m)
}

// Lazy is a handler built on its first request. The routers are built
// only when someone asks: a daemon whose control socket is never used does
// not run net/http's pattern parser and route tree at start (each route
// also resolves its caller's file and line), and those pages of the
// binary stay out of its resident memory (docs/scale.md, "Session 7: the
// binary's resident pages").
func Lazy(build func() http.Handler) http.Handler {
	h := sync.OnceValue(build)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h().ServeHTTP(w, r) })
}

// ServeSocket serves the socket listener until ctx ends.
func (s *Server) ServeSocket(ctx context.Context, ln net.Listener) error {
	return serve(ctx, ln, Lazy(s.SocketHandler), peerContext)
}

// ServeTCP serves the TCP listeners until ctx ends. What was mounted
// before it is served.
func (s *Server) ServeTCP(ctx context.Context, lns ...net.Listener) error {
	h := Lazy(s.TCPHandler)
	errs := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errs <- serve(ctx, ln, h, nil) }()
	}
	var all []error
	for range lns {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// peerContext records a socket peer's credentials for the action log.
func peerContext(ctx context.Context, c net.Conn) context.Context {
	who := Caller{Via: "socket", UID: -1, PID: -1, CanWrite: true}
	// A syscall.Conn, not only a *net.UnixConn: govrrpd-ops counts its
	// connections in a wrapper that keeps the descriptor reachable.
	if sc, ok := c.(syscall.Conn); ok {
		who.UID, who.PID = peerCred(sc)
	}
	return WithCaller(ctx, who)
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func checkers(d status.Daemon) []CheckerEntry {
	out := []CheckerEntry{}
	for _, vs := range d.VirtualServers {
		for _, rs := range vs.Reals {
			for _, c := range rs.Checkers {
				out = append(out, CheckerEntry{VirtualServer: vs.Key, RealServer: rs.Key, Checker: c})
			}
		}
	}
	return out
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Answers are read by programs, not pasted into HTML: "priority 100
	// -> 110" stays as it is, not "-\u003e".
	enc.SetEscapeHTML(false)
	enc.Encode(status.EmptyNotNull(v))
}

// writeErr maps a backend error to its status code.
func writeErr(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrInvalid):
		code = http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, Error{Error: err.Error()})
}
