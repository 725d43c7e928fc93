package httpcheck

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/check"
)

// replay is a connection whose peer says data and nothing more.
type replay struct {
	r       *bytes.Reader
	written bytes.Buffer
}

func (c *replay) Read(b []byte) (int, error)       { return c.r.Read(b) }
func (c *replay) Write(b []byte) (int, error)      { return c.written.Write(b) }
func (c *replay) Close() error                     { return nil }
func (c *replay) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1)} }
func (c *replay) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 80} }
func (c *replay) SetDeadline(time.Time) error      { return nil }
func (c *replay) SetReadDeadline(time.Time) error  { return nil }
func (c *replay) SetWriteDeadline(time.Time) error { return nil }

// HTTP_GET / SSL_GET: any response either fails to parse or yields a body
// within the limit whose digest is keepalived's MD5 of it, and the url
// tests judge it without failing.
func FuzzHTTPResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 302 Found\r\nLocation: /\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\n\r\nno length",
		"HTTP/1.1 999 \r\nContent-Length: -1\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n",
	} {
		f.Add([]byte(s))
	}
	plan, err := check.PlanHTTP(check.Checker{Kind: check.HTTP,
		Target: check.Target{Real: netip.MustParseAddrPort("192.0.2.2:80")},
		Settings: &check.HTTPSettings{URLs: []check.URL{{Path: "/", StatusCodes: []check.StatusRange{{Lo: 200, Hi: 299}},
			Regex: "h.l", RegexMaxOffset: 4}}}})
	if err != nil {
		f.Fatal(err)
	}
	u := &plan.URLs[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Fetch(context.Background(), &replay{r: bytes.NewReader(data)}, FetchRequest{Path: "/", Host: "192.0.2.2"})
		if err != nil {
			return
		}
		sum := md5.Sum(res.Body)
		if len(res.Body) > maxBody || res.Digest != hex.EncodeToString(sum[:]) {
			t.Fatalf("%q: body of %d bytes, digest %s", data, len(res.Body), res.Digest)
		}
		if o := u.Eval(res.Status, res.Digest, res.Body); o.Up && (res.Status < 200 || res.Status > 299) {
			t.Fatalf("%q: status %d judged up", data, res.Status)
		}
	})
}
