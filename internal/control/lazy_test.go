package control_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govrrpd/govrrpd/internal/control"
)

// TestLazyBuildsOnFirstRequest: the handler is built by the first request,
// not before, and once however many requests arrive together; every
// request, the first included, is answered by what was built.
func TestLazyBuildsOnFirstRequest(t *testing.T) {
	var built atomic.Int32
	h := control.Lazy(func() http.Handler {
		built.Add(1)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "built "+r.URL.Path) })
	})
	if n := built.Load(); n != 0 {
		t.Fatalf("built %d times before any request", n)
	}
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	if n := built.Load(); n != 1 {
		t.Errorf("built %d times, want once", n)
	}
	for i, b := range bodies {
		if b != "built /x" {
			t.Errorf("request %d answered %q", i, b)
		}
	}
}

// TestSocketAnswersFirstRequest: the socket's router, built on the first
// request, answers that request.
func TestSocketAnswersFirstRequest(t *testing.T) {
	s, _, _ := newServer(t, nil)
	c := control.NewSocketClient(serveSocket(t, s))
	d, err := c.Status(t.Context())
	if err != nil {
		t.Fatalf("first request: %v", err)
	}
	if d.Version == "" {
		t.Errorf("first request: status without a version: %+v", d)
	}
}
