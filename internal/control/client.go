package control

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Client talks to a daemon's API, over the control socket or a TCP URL.
type Client struct {
	hc    *http.Client
	base  string
	where string // what an unreachable-daemon message names
	token string
}

// NewSocketClient returns a client of the control socket at path.
func NewSocketClient(path string) *Client {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &Client{hc: &http.Client{Transport: tr}, base: "http://govrrpd", where: path}
}

// NewHTTPClient returns a client of a TCP listener ("http://127.0.0.1:9100"),
// sending token (when not empty) as a bearer token.
func NewHTTPClient(url, token string) *Client {
	return &Client{hc: &http.Client{}, base: strings.TrimSuffix(url, "/"), where: url, token: token}
}

// UnreachableError says the daemon could not be reached at all, as
// opposed to answering with an error.
type UnreachableError struct {
	Where string
	Err   error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach govrrpd at %s: %v (is it running? --control-socket names another socket)", e.Where, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Raw sends one request and returns the body of a 2xx answer; any other
// answer becomes an error carrying the API's message.
func (c *Client) Raw(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &UnreachableError{Where: c.where, Err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		var e Error
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("govrrpd: %s", e.Error)
		}
		return nil, fmt.Errorf("govrrpd: %s %s: %s", method, path, resp.Status)
	}
	return b, nil
}

func (c *Client) call(ctx context.Context, method, path string, body, out any) error {
	b, err := c.Raw(ctx, method, path, body)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: answer: %w", method, path, err)
	}
	return nil
}

// Status returns the whole snapshot.
func (c *Client) Status(ctx context.Context) (status.Daemon, error) {
	var d status.Daemon
	err := c.call(ctx, http.MethodGet, APIPrefix+"status", nil, &d)
	return d, err
}

// Drain drains (on) or undrains a real server.
func (c *Client) Drain(ctx context.Context, vs, rs string, on bool) error {
	path := APIPrefix + "drain"
	if !on {
		path = APIPrefix + "undrain"
	}
	return c.call(ctx, http.MethodPost, path, DrainRequest{VirtualServer: vs, RealServer: rs}, nil)
}

// Maintenance puts an instance into maintenance or lifts it.
func (c *Client) Maintenance(ctx context.Context, instance string, on bool) error {
	return c.call(ctx, http.MethodPost, APIPrefix+"maintenance", MaintenanceRequest{Instance: instance, On: on}, nil)
}

// Reload reloads and returns the result.
func (c *Client) Reload(ctx context.Context) (status.Reload, error) {
	var r status.Reload
	err := c.call(ctx, http.MethodPost, APIPrefix+"reload", struct{}{}, &r)
	return r, err
}

// Plan asks the daemon what a reload to file would change.
func (c *Client) Plan(ctx context.Context, file string) (status.Plan, error) {
	var p status.Plan
	err := c.call(ctx, http.MethodPost, APIPrefix+"plan", PlanRequest{File: file}, &p)
	return p, err
}
