package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/govrrpd/govrrpd/check/httpcheck"
)

// genhash is a mode of its own; govrrpd runs `govrrpd -T` and
// `govrrpd --genhash` (keepalived's spellings) as `govrrpd-ops genhash`.
func init() {
	modes["genhash"] = genhashMain
}

// genhashMain is `govrrpd genhash` (keepalived -T / genhash): fetch a URL the
// way HTTP_GET/SSL_GET do and print the MD5 digest to put in a url block.
func genhashMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genhash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		server, url, vhost, proto string
		port, mark                uint
		useSSL, useSNI, verbose   bool
		timeout                   time.Duration
	)
	fs.StringVar(&server, "s", "", "remote server `address`")
	fs.UintVar(&port, "p", 0, "remote server `port`")
	fs.StringVar(&url, "u", "", "`url` path to fetch")
	fs.BoolVar(&useSSL, "S", false, "use SSL")
	fs.BoolVar(&useSNI, "I", false, "send the virtual host as SNI")
	fs.StringVar(&vhost, "V", "", "virtual `host` for the Host header")
	fs.StringVar(&proto, "P", "1.0", "HTTP `protocol`: 1.0, 1.0c, 1.1")
	fs.UintVar(&mark, "m", 0, "firewall `mark` (SO_MARK)")
	fs.DurationVar(&timeout, "t", 5*time.Second, "timeout")
	fs.BoolVar(&verbose, "v", false, "print the response headers and body too")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if server == "" || port == 0 || port > 65535 || url == "" {
		fmt.Fprintln(stderr, "genhash: -s server, -p port and -u url are required")
		fs.Usage()
		return 2
	}
	ip, err := resolve(server)
	if err != nil {
		fmt.Fprintf(stderr, "genhash: %v\n", err)
		return 1
	}
	res, err := genhashFetch(ip, uint16(port), url, vhost, proto, uint32(mark), useSSL, useSNI, timeout)
	if err != nil {
		fmt.Fprintf(stderr, "genhash: %v\n", err)
		return 1
	}
	if verbose {
		fmt.Fprintf(stdout, "%s %d\n", res.Proto, res.Status)
		_ = res.Header.Write(stdout)
		fmt.Fprintf(stdout, "\n%s\n", res.Body)
	}
	fmt.Fprintln(stdout, res.Digest)
	return 0
}

func resolve(server string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(server); err == nil {
		return ip, nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", server)
	if err != nil || len(ips) == 0 {
		return netip.Addr{}, fmt.Errorf("resolve %s: %v", server, err)
	}
	return ips[0].Unmap(), nil
}

// genhashFetch runs a one-shot SSL_GET/HTTP_GET prober's fetch; reusing the
// checker's code path guarantees the digest is the one the checker computes.
func genhashFetch(ip netip.Addr, port uint16, path, vhost, proto string, mark uint32,
	useSSL, useSNI bool, timeout time.Duration) (*httpcheck.FetchResult, error) {
	ap := netip.AddrPortFrom(ip, port)
	host := vhost
	if host == "" {
		host = httpcheck.HostHeader(ap, useSSL)
	}
	req := httpcheck.FetchRequest{Path: path, Host: host, Protocol: strings.ToUpper(proto)}
	if useSSL {
		cfg, err := httpcheck.ClientTLS(nil, useSNI, host)
		if err != nil {
			return nil, err
		}
		req.TLS = cfg
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	d := httpcheck.Dialer(mark)
	conn, err := d.DialContext(ctx, "tcp", ap.String())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", ap, err)
	}
	defer conn.Close()
	return httpcheck.Fetch(ctx, conn, req)
}
