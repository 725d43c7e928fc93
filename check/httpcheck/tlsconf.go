package httpcheck

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"strings"

	"github.com/govrrpd/govrrpd/check"
)

// tlsFactory builds SSL_GET's client configuration from the global SSL {}
// block. Like keepalived, the server certificate is verified only when a
// CA is configured, and then against that CA without a host name check
// (real servers are addressed by IP). With enable_sni the URL's virtual
// host is sent as the server name.
func tlsFactory(s *check.TLSSettings, sni bool) (func(host string) *tls.Config, error) {
	base := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10}
	if s != nil {
		if s.CA != "" {
			pool, err := loadCA(s.CA)
			if err != nil {
				return nil, err
			}
			base.VerifyPeerCertificate = verifyAgainst(pool)
		}
		if s.Certificate != "" {
			cert, err := loadKeyPair(s.Certificate, s.Key, s.Password)
			if err != nil {
				return nil, err
			}
			base.Certificates = []tls.Certificate{cert}
		}
	}
	return func(host string) *tls.Config {
		c := base.Clone()
		if sni {
			c.ServerName = stripPort(host)
		}
		return c
	}, nil
}

func stripPort(host string) string {
	if len(host) > 0 && host[0] == '[' {
		for i := range host {
			if host[i] == ']' {
				return host[1:i]
			}
		}
	}
	if strings.Count(host, ":") > 1 {
		return host // bare IPv6 literal
	}
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}

func loadCA(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("SSL ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("SSL ca %s: no PEM certificate", path)
	}
	return pool, nil
}

func verifyAgainst(pool *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return fmt.Errorf("server sent no certificate")
		}
		certs := make([]*x509.Certificate, len(raw))
		for i, r := range raw {
			c, err := x509.ParseCertificate(r)
			if err != nil {
				return fmt.Errorf("server certificate: %w", err)
			}
			certs[i] = c
		}
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter})
		return err
	}
}

// loadKeyPair reads the client certificate; a password decrypts a legacy
// encrypted PEM key (PKCS#8 encryption is not supported and is an error).
func loadKeyPair(certFile, keyFile, password string) (tls.Certificate, error) {
	if keyFile == "" {
		keyFile = certFile
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("SSL certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("SSL key: %w", err)
	}
	if password != "" {
		blk, _ := pem.Decode(keyPEM)
		//lint:ignore SA1019 keepalived's password protects legacy PEM keys.
		if blk != nil && x509.IsEncryptedPEMBlock(blk) { //nolint:staticcheck
			//lint:ignore SA1019 see above
			der, err := x509.DecryptPEMBlock(blk, []byte(password)) //nolint:staticcheck
			if err != nil {
				return tls.Certificate{}, fmt.Errorf("SSL key %s: %w", keyFile, err)
			}
			keyPEM = pem.EncodeToMemory(&pem.Block{Type: blk.Type, Bytes: der})
		}
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("SSL certificate %s / key %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// ClientTLS is SSL_GET's client configuration for one virtual host, for
// tools (genhash) that fetch like the checker does.
func ClientTLS(s *check.TLSSettings, sni bool, host string) (*tls.Config, error) {
	f, err := tlsFactory(s, sni)
	if err != nil {
		return nil, err
	}
	return f(host), nil
}
