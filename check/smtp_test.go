package check_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/srcpos"
)

type nopSession struct{}

func (nopSession) Reset()                               {}
func (nopSession) Logout() error                        { return nil }
func (nopSession) Mail(string, *smtp.MailOptions) error { return nil }
func (nopSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (nopSession) Data(io.Reader) error                 { return nil }

func TestSMTPCheck(t *testing.T) {
	var mu sync.Mutex
	var helos []string
	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		mu.Lock()
		helos = append(helos, c.Hostname())
		mu.Unlock()
		return nopSession{}, nil
	})
	srv := smtp.NewServer(be)
	srv.Domain = "mx.example.test"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	defer func() {
		srv.Close()
		if err := <-done; err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	c := check.Checker{Kind: check.SMTP, Source: srcpos.Make("t", 1), Target: target(t, l.Addr()), ConnectTimeout: time.Second,
		Settings: &check.SMTPSettings{HeloName: "lb.example.test"}}
	wantUp(t, probeOnce(t, c), true)
	mu.Lock()
	if len(helos) != 1 || helos[0] != "lb.example.test" {
		t.Fatalf("server saw HELO %q", helos)
	}
	mu.Unlock()

	c.Target = closedPort(t, "tcp")
	wantUp(t, probeOnce(t, c), false)
}

// A server that greets with something other than 220 is down.
func TestSMTPWrongBanner(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = conn.Write([]byte("554 no service\r\n"))
		_, _ = io.Copy(io.Discard, conn)
	}()
	c := check.Checker{Kind: check.SMTP, Source: srcpos.Make("t", 1), Target: target(t, l.Addr()), ConnectTimeout: time.Second}
	wantUp(t, probeOnce(t, c), false)
}
