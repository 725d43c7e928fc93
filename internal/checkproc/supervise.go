package checkproc

import (
	"context"
	"log/slog"
	"time"

	"github.com/govrrpd/govrrpd/check/checkwire"
	"github.com/govrrpd/govrrpd/internal/helperbin"
)

// supervise runs the helper while checkers exist: it starts it (again
// after it died, with backoff) and stops it when the last checker has
// been gone for Linger.
func (c *Client) supervise() {
	backoff := c.opts.Backoff
	for {
		ch, err := c.start()
		if ch == nil && err == nil {
			return // no checker left
		}
		if err != nil {
			c.mu.Lock()
			close(c.failed)
			c.failed = make(chan struct{})
			c.mu.Unlock()
			c.log.Error("HTTP_GET/SSL_GET helper not started: their real servers keep their state until it runs",
				"err", err, "retry_in", backoff)
			if !c.sleep(backoff) {
				return
			}
			backoff = min(2*backoff, MaxBackoff)
			continue
		}
		since := time.Now()
		if !c.watch(ch) {
			return // stopped: no checker left
		}
		c.log.Error("HTTP_GET/SSL_GET helper died: no verdicts until it is back", "exit", exitText(ch.err),
			"ran", time.Since(since).Round(time.Second), "restart_in", backoff)
		if time.Since(since) >= healthy {
			backoff = c.opts.Backoff
		}
		if !c.sleep(backoff) {
			return
		}
		backoff = min(2*backoff, MaxBackoff)
	}
}

// start runs a helper and gives it every live checker; (nil, nil) when
// none is left, and supervise ends.
func (c *Client) start() (*child, error) {
	if c.idle() {
		return nil, nil
	}
	helper, err := helperbin.Find(HelperName, c.opts.Helper)
	if err != nil {
		return nil, err
	}
	ch, err := spawn(helper, levelOf(c.log), c.refused)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, spec := range c.specs {
		_ = ch.w.Send(checkwire.Add, spec) // a failure shows as the helper's exit
	}
	c.setChild(ch)
	c.log.Info("HTTP_GET/SSL_GET helper started", "helper", helper, "pid", ch.cmd.Process.Pid, "checkers", len(c.specs))
	return ch, nil
}

// idle ends supervise when no checker is left: it says so, under the
// lock that NewProber takes to see whether supervise runs.
func (c *Client) idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.specs) == 0 {
		c.running = false
		return true
	}
	return false
}

// watch waits for the helper to die (true) or for no checker to be left
// for Linger, when it stops the helper (false).
func (c *Client) watch(ch *child) bool {
	var linger <-chan time.Time
	for {
		select {
		case <-ch.exited:
			c.mu.Lock()
			c.setChild(nil)
			c.mu.Unlock()
			return true
		case <-c.poke:
			c.mu.Lock()
			n := len(c.specs)
			c.mu.Unlock()
			if n > 0 {
				linger = nil
			} else if linger == nil {
				linger = time.After(c.opts.Linger)
			}
		case <-linger:
			c.mu.Lock()
			if len(c.specs) > 0 {
				c.mu.Unlock()
				linger = nil
				continue
			}
			c.setChild(nil)
			c.running = false
			c.mu.Unlock()
			ch.stop(stopWait)
			c.log.Info("HTTP_GET/SSL_GET helper stopped: no such checker left")
			return false
		}
	}
}

// sleep waits d, or less when the last checker goes; false when supervise
// is to end.
func (c *Client) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return true
		case <-c.poke:
			if c.idle() {
				return false
			}
		}
	}
}

// levelOf is the lowest level the daemon logs, which the helper need not
// go below.
func levelOf(log interface {
	Enabled(context.Context, slog.Level) bool
}) slog.Level {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if log.Enabled(context.Background(), l) {
			return l
		}
	}
	return slog.LevelError
}
