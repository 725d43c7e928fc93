package checkproc

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/check"
)

// Settings the daemon's validation passes but the helper cannot load (PEM
// blocks whose contents do not parse, a key whose password is wrong) make
// building the scheduler fail, as they did in process: a reload with them
// is refused, and the running scheduler's checkers go on untouched.
func TestHelperRefusalFailsTheReload(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	junk := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	if err := os.WriteFile(garbage, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a key")})
	badKey := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(badKey, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	_, certPEM := selfSigned(t, "example.test")
	cert := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(cert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	cl, _ := newClient(t, Options{})
	good := checker(t, check.SSL, srv.Listener.Addr(), nil, check.URL{Path: "/"})
	running, err := check.NewScheduler([]check.Checker{good}, check.SinkFunc(func(check.Result) {}),
		check.Options{NewProber: cl.NewProber})
	if err != nil {
		t.Fatal(err)
	}
	running.Start(context.Background())
	defer running.Stop()
	waitFor(t, "the running checker's attempts", func() bool { return running.Stats().Attempts.Load() >= 2 })

	for _, tc := range []struct {
		name string
		tls  *check.TLSSettings
		want string // in the error
	}{
		{"CA that does not parse", &check.TLSSettings{CA: garbage}, "garbage.pem"},
		{"key that does not parse", &check.TLSSettings{Certificate: cert, Key: badKey}, "refused by the govrrpd-check helper"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := checker(t, check.SSL, srv.Listener.Addr(), tc.tls, check.URL{Path: "/"})
			if _, err := check.PlanHTTP(bad); err != nil {
				t.Fatalf("the daemon's validation refuses it already (%v): not the case under test", err)
			}
			_, err := check.NewScheduler([]check.Checker{good, bad}, check.SinkFunc(func(check.Result) {}),
				check.Options{NewProber: cl.NewProber})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewScheduler: %v, want an error naming %q", err, tc.want)
			}
			// Only the running scheduler's checker is left with the helper.
			cl.mu.Lock()
			n := len(cl.specs)
			cl.mu.Unlock()
			if n != 1 {
				t.Errorf("%d checkers registered with the helper, want 1", n)
			}
			before := running.Stats().Attempts.Load()
			waitFor(t, "the running checker's next attempts", func() bool { return running.Stats().Attempts.Load() >= before+2 })
			if f := running.Stats().Failures.Load(); f != 0 {
				t.Errorf("%d failed attempts of the running checker", f)
			}
		})
	}
}
