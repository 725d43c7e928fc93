package ctlapi

import (
	"context"
	"errors"

	"github.com/govrrpd/govrrpd/internal/status"
)

// Backend is what the API needs from a running daemon. Every method must
// be safe to call from any goroutine; the daemon answers them from its
// event loop so a snapshot describes one instant.
type Backend interface {
	Snapshot(ctx context.Context) (status.Daemon, error)
	// Drain sets a real server's weight to 0 (on) or restores it (off),
	// keeping it in the table. vs and rs are status.VirtualServer.Key and
	// status.RealServer.Key.
	Drain(ctx context.Context, vs, rs string, on bool) error
	// Maintenance keeps an instance BACKUP (after a make-before-break
	// handover if it is master) until lifted.
	Maintenance(ctx context.Context, instance string, on bool) error
	// Reload is SIGHUP's path, returning its result.
	Reload(ctx context.Context) (status.Reload, error)
	// Plan says what a reload to file would change, changing nothing.
	Plan(ctx context.Context, file string) (status.Plan, error)
}

// ErrNotFound marks a request naming an instance, virtual server or real
// server the daemon does not have; the API answers 404. Backends wrap it.
var ErrNotFound = errors.New("not found")

// ErrInvalid marks a request the daemon cannot carry out as asked (a
// drain on a VRRP-only daemon, a plan of an unreadable file); the API
// answers 400. Backends wrap it.
var ErrInvalid = errors.New("invalid request")

// APIPrefix is the versioned root every API path hangs under.
const APIPrefix = "/api/v1/"

// DefaultSocket is where the daemon listens unless --control-socket moves
// or disables it.
const DefaultSocket = "/run/govrrpd/control.sock"

// DrainRequest is the body of POST /api/v1/drain and /api/v1/undrain.
type DrainRequest struct {
	VirtualServer string `json:"virtual_server"`
	RealServer    string `json:"real_server"`
}

// MaintenanceRequest is the body of POST /api/v1/maintenance.
type MaintenanceRequest struct {
	Instance string `json:"instance"`
	On       bool   `json:"on"`
}

// PlanRequest is the body of POST /api/v1/plan: the file is read by the
// daemon, with its includes, as a reload would read it.
type PlanRequest struct {
	File string `json:"file"`
}

// CheckerEntry is one checker with the real server it checks, as
// GET /api/v1/checkers lists them.
type CheckerEntry struct {
	VirtualServer string `json:"virtual_server"`
	RealServer    string `json:"real_server"`
	status.Checker
}

// Error is the body of every non-2xx answer.
type Error struct {
	Error string `json:"error"`
}
