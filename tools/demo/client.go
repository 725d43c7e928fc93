package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// serve answers every TCP connection on port with the router's name, from
// a socket inside the router's namespace. The listener is on the wildcard
// address so it stays up while the VIP comes and goes.
func serve(h *lab.Host, port int) (net.Listener, error) {
	var ln net.Listener
	err := h.InNS(func() error {
		var err error
		ln, err = net.Listen("tcp4", fmt.Sprintf(":%d", port))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listen in %s: %w", h.Name, err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintf(c, "%s\n", h.Name)
			c.Close()
		}
	}()
	return ln, nil
}

// attempt is one connection the client made.
type attempt struct {
	At   time.Time
	Done time.Time // zero: failed
	From string    // router that answered
}

// client connects to addr every interval from the client namespace and
// keeps every attempt. A pool of dialers, each on a thread inside the
// namespace, lets attempts overlap while the VIP is unreachable.
type client struct {
	mu       sync.Mutex
	attempts []attempt
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

func startClient(h *lab.Host, addr string, interval, timeout time.Duration) *client {
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{cancel: cancel}
	jobs := make(chan int, 64)
	workers := int(timeout/interval) + 2
	for range workers {
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			_ = h.InNS(func() error {
				for i := range jobs {
					c.dial(ctx, i, addr, timeout)
				}
				return nil
			})
		}()
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer close(jobs)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			c.mu.Lock()
			i := len(c.attempts)
			c.attempts = append(c.attempts, attempt{At: time.Now()})
			c.mu.Unlock()
			select {
			case jobs <- i:
			default: // every dialer busy: the attempt stays failed
			}
		}
	}()
	return c
}

func (c *client) dial(ctx context.Context, i int, addr string, timeout time.Duration) {
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp4", addr)
	if err != nil {
		return
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return
	}
	now := time.Now()
	c.mu.Lock()
	c.attempts[i].Done, c.attempts[i].From = now, strings.TrimSpace(line)
	c.mu.Unlock()
}

// snapshot returns the attempts so far, and as lab.Probes for the outage
// arithmetic the benchmark uses.
func (c *client) snapshot() ([]attempt, []lab.Probe) {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := append([]attempt(nil), c.attempts...)
	ps := make([]lab.Probe, len(at))
	for i, a := range at {
		ps[i] = lab.Probe{Seq: i, Sent: a.At, Recv: a.Done}
	}
	return at, ps
}

// servedBy is the router that answered the last successful attempt.
func (c *client) servedBy() string {
	at, _ := c.snapshot()
	for i := len(at) - 1; i >= 0; i-- {
		if !at[i].Done.IsZero() {
			return at[i].From
		}
	}
	return ""
}

func (c *client) stop() {
	c.cancel()
	c.wg.Wait()
}
