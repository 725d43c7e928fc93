package control

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// Caller is who sent a request, as the action log names it. It never
// holds a credential, only what kind of proof was shown.
type Caller struct {
	// Via is "socket" or "tcp".
	Via string
	// UID and PID are the unix socket peer's credentials (SO_PEERCRED);
	// -1 when unknown.
	UID, PID int
	// Remote is the TCP peer address.
	Remote string
	// Token is set when the request carried the right bearer token.
	Token bool
	// CanWrite allows admin actions: every socket peer (the socket is
	// root-only), and a TCP caller that showed the token.
	CanWrite bool
}

// String names the caller for logs: "uid 0 pid 4242" or
// "token from 127.0.0.1:5123". It never includes the token.
func (c Caller) String() string {
	if c.Via == "socket" {
		return fmt.Sprintf("uid %d pid %d", c.UID, c.PID)
	}
	if c.Token {
		return "token from " + c.Remote
	}
	return "anonymous from " + c.Remote
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerOf returns the caller a middleware recorded; an unmarked request
// is an anonymous reader.
func CallerOf(ctx context.Context) Caller {
	if c, ok := ctx.Value(callerKey{}).(Caller); ok {
		return c
	}
	return Caller{Via: "tcp", UID: -1, PID: -1}
}

// TokenAuth marks TCP requests: a request with "Authorization: Bearer T"
// where T is the token may write. It is a middleware so that the web
// console can mount behind the same one (a session cookie is one more
// way to set CanWrite).
type TokenAuth struct {
	sum [sha256.Size]byte
	set bool
	// Log receives the refused writes (who, method, path); nil: slog's
	// default.
	Log *slog.Logger
}

// NewTokenAuth returns the middleware for token; an empty token allows no
// writes at all.
func NewTokenAuth(token []byte) *TokenAuth {
	a := &TokenAuth{}
	if len(token) > 0 {
		a.sum, a.set = sha256.Sum256(token), true
	}
	return a
}

// Enabled says whether a token was configured.
func (a *TokenAuth) Enabled() bool { return a.set }

// Check compares a presented token in constant time (hashing both first,
// so not even the length leaks).
func (a *TokenAuth) Check(presented string) bool {
	if !a.set || presented == "" {
		return false
	}
	got := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(got[:], a.sum[:]) == 1
}

// Middleware records the TCP caller, with CanWrite when the bearer token
// matches.
func (a *TokenAuth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := Caller{Via: "tcp", UID: -1, PID: -1, Remote: r.RemoteAddr}
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && a.Check(strings.TrimSpace(tok)) {
			c.Token, c.CanWrite = true, true
		}
		next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), c)))
	})
}

// writesOffMsg tells a TCP caller how to get write access.
const writesOffMsg = "writes over TCP are disabled: start govrrpd with --http-token-file FILE " +
	"(mode 0600, owned by root) and send \"Authorization: Bearer TOKEN\", or use the control socket"

// RequireWrite answers 403 unless the caller may write.
func (a *TokenAuth) RequireWrite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := CallerOf(r.Context())
		if c.CanWrite {
			next.ServeHTTP(w, r)
			return
		}
		log := a.Log
		if log == nil {
			log = slog.Default()
		}
		log.Warn("control: write refused", "who", c.String(), "method", r.Method, "path", r.URL.Path)
		msg := writesOffMsg
		if a.set {
			msg = "this request needs \"Authorization: Bearer TOKEN\" with the token of --http-token-file"
		}
		writeJSON(w, http.StatusForbidden, Error{Error: msg})
	})
}
