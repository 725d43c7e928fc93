package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
)

const (
	cookieName = "govrrpd_session"
	// loginBurst failed logins per source address within loginWindow
	// lock that address out until the window slides.
	loginBurst  = 5
	loginWindow = time.Minute
)

// session is one login; its id lives only in an HttpOnly cookie and its
// CSRF token only in the pages it renders.
type session struct {
	csrf    string
	expires time.Time
}

// sessions is the server-side session table and the failed-login record.
type sessions struct {
	mu     sync.Mutex
	now    func() time.Time
	ttl    time.Duration
	byID   map[string]*session
	failed map[string][]time.Time
}

func newSessions(now func() time.Time, ttl time.Duration) *sessions {
	return &sessions{now: now, ttl: ttl, byID: map[string]*session{}, failed: map[string][]time.Time{}}
}

func randomID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *sessions) create() (string, *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for id, x := range s.byID {
		if now.After(x.expires) {
			delete(s.byID, id)
		}
	}
	id := randomID()
	x := &session{csrf: randomID(), expires: now.Add(s.ttl)}
	s.byID[id] = x
	return id, x
}

func (s *sessions) get(id string) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := s.byID[id]
	if x == nil || s.now().After(x.expires) {
		delete(s.byID, id)
		return nil
	}
	return x
}

func (s *sessions) drop(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// limited says whether addr used up its failed logins.
func (s *sessions) limited(addr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recent(addr)) >= loginBurst
}

func (s *sessions) fail(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed[addr] = append(s.recent(addr), s.now())
}

// recent prunes addr's failures older than the window; s.mu is held.
func (s *sessions) recent(addr string) []time.Time {
	cut := s.now().Add(-loginWindow)
	l := s.failed[addr]
	for len(l) > 0 && l[0].Before(cut) {
		l = l[1:]
	}
	if len(l) == 0 {
		delete(s.failed, addr)
		return nil
	}
	s.failed[addr] = l
	return l
}

func sourceAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// current is the request's session, nil when not logged in.
func (c *Console) current(r *http.Request) *session {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	return c.sess.get(ck.Value)
}

func (c *Console) loginForm(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, "login", loginData{Enabled: c.o.Auth.Enabled(), Next: safeNext(r.FormValue("next"))})
}

// login exchanges the token for a session cookie.
func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	src := sourceAddr(r)
	if c.sess.limited(src) {
		c.log.Warn("console: login rate-limited", "from", src)
		c.fail(w, r, http.StatusTooManyRequests, "too many failed logins from "+src+"; wait a minute")
		return
	}
	if !c.o.Auth.Check(r.PostFormValue("token")) {
		c.sess.fail(src)
		c.log.Warn("console: login failed", "from", src)
		w.WriteHeader(http.StatusForbidden)
		c.render(w, r, "login", loginData{Enabled: c.o.Auth.Enabled(), Error: "wrong token", Next: safeNext(r.PostFormValue("next"))})
		return
	}
	id, _ := c.sess.create()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int(c.o.SessionTTL.Seconds())})
	c.log.Info("console: login", "from", src)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// safeNext keeps a post-login redirect inside the console.
func safeNext(p string) string {
	if len(p) > 4 && p[:4] == Prefix && (len(p) < 5 || p[4] != '/') {
		return p
	}
	return Prefix
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieName); err == nil {
		c.sess.drop(ck.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// session lets logged-in users through to h and sends others to login.
func (c *Console) session(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c.current(r) == nil {
			http.Redirect(w, r, Prefix+"login?next="+r.URL.Path, http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// write guards a state-changing request: a live session and its CSRF
// token (form field or X-CSRF-Token header), compared in constant time.
func (c *Console) write(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		x := c.current(r)
		if x == nil {
			c.log.Warn("console: write refused, not logged in", "who", control.CallerOf(r.Context()).String(), "path", r.URL.Path)
			c.fail(w, r, http.StatusForbidden, "log in with the token first")
			return
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			got = r.PostFormValue("csrf")
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(x.csrf)) != 1 {
			c.log.Warn("console: write refused, bad CSRF token", "from", sourceAddr(r), "path", r.URL.Path)
			c.fail(w, r, http.StatusForbidden, "missing or wrong CSRF token; reload the page")
			return
		}
		h(w, r)
	}
}
