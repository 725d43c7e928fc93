package httpcheck_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

// selfSigned makes a certificate for name, returning the TLS pair and the
// PEM of the certificate (to use as SSL { ca }).
func selfSigned(t *testing.T, name string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		DNSNames: []string{name}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestSSLGetSNIAndCA(t *testing.T) {
	cert, certPEM := selfSigned(t, "www.example.test")
	_, otherPEM := selfSigned(t, "other.example.test")
	var mu sync.Mutex
	var sni []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("secure"))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert},
		GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
			mu.Lock()
			sni = append(sni, h.ServerName)
			mu.Unlock()
			return nil, nil
		}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failing cases are expected
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	ca, other := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "other.pem")
	if os.WriteFile(ca, certPEM, 0o600) != nil || os.WriteFile(other, otherPEM, 0o600) != nil {
		t.Fatal("write CA files")
	}
	mk := func(enableSNI bool, tlsSet *check.TLSSettings) check.Checker {
		return check.Checker{Kind: check.SSL, Source: srcpos.Make("t", 1), Target: target(t, srv.Listener.Addr()),
			ConnectTimeout: time.Second, Settings: &check.HTTPSettings{EnableSNI: enableSNI, TLS: tlsSet,
				Virtualhost: "www.example.test", URLs: []check.URL{{Path: "/", Digest: md5hex("secure")}}}}
	}
	cases := []struct {
		name    string
		c       check.Checker
		up      bool
		wantSNI string
	}{
		{"no SNI, no CA: unverified like keepalived", mk(false, nil), true, ""},
		{"enable_sni sends the virtual host", mk(true, nil), true, "www.example.test"},
		{"CA that signed the server", mk(true, &check.TLSSettings{CA: ca}), true, "www.example.test"},
		{"wrong CA fails", mk(true, &check.TLSSettings{CA: other}), false, "www.example.test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			sni = nil
			mu.Unlock()
			wantUp(t, probeOnce(t, tc.c), tc.up)
			mu.Lock()
			defer mu.Unlock()
			if len(sni) != 1 || sni[0] != tc.wantSNI {
				t.Fatalf("server saw SNI %q, want [%q]", sni, tc.wantSNI)
			}
		})
	}
	// Plain HTTP against the TLS port fails.
	c := mk(false, nil)
	c.Kind = check.HTTP
	wantUp(t, probeOnce(t, c), false)
	// A missing CA file is a configuration error, not a passing check.
	if _, err := check.PlanHTTP(mk(true, &check.TLSSettings{CA: filepath.Join(dir, "missing.pem")})); err == nil {
		t.Fatal("missing CA accepted")
	}
	// So is a CA file without a certificate, refused by the daemon's
	// validation without the helper's x509.
	empty := filepath.Join(dir, "empty.pem")
	if os.WriteFile(empty, []byte("not PEM\n"), 0o600) != nil {
		t.Fatal("write empty CA")
	}
	if _, err := check.PlanHTTP(mk(true, &check.TLSSettings{CA: empty})); err == nil {
		t.Fatal("CA without PEM accepted")
	}
}
