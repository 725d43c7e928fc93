package control

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/govrrpd/govrrpd/internal/status"
)

// maxBody bounds a request body: every request is a few names.
const maxBody = 64 << 10

func (s *Server) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), s.opts.Timeout)
}

// snapshot takes a fresh snapshot for r, answering the error itself.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) (status.Daemon, bool) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	d, err := s.b.Snapshot(ctx)
	if err != nil {
		writeErr(w, fmt.Errorf("snapshot: %w", err))
	}
	return d, err == nil
}

// read serves one view of a fresh snapshot.
func (s *Server) read(view func(status.Daemon) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if d, ok := s.snapshot(w, r); ok {
			writeJSON(w, http.StatusOK, view(d))
		}
	}
}

func (s *Server) instance(w http.ResponseWriter, r *http.Request) {
	d, ok := s.snapshot(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	for _, in := range d.Instances {
		if in.Name == name {
			writeJSON(w, http.StatusOK, in)
			return
		}
	}
	writeErr(w, fmt.Errorf("vrrp_instance %q: %w", name, ErrNotFound))
}

// bgp answers 404 on a daemon without --bgp-config.
func (s *Server) bgp(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.snapshot(w, r); ok {
		if d.BGP == nil {
			writeErr(w, fmt.Errorf("bgp: govrrpd runs without --bgp-config: %w", ErrNotFound))
			return
		}
		writeJSON(w, http.StatusOK, d.BGP)
	}
}

// decode reads a JSON body strictly: an unknown field is a typo the
// caller should hear about, not a silently ignored option.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, Error{Error: fmt.Sprintf("%s %s: request body: %v", r.Method, r.URL.Path, err)})
		return false
	}
	return true
}

// logAction records who did what and how it ended.
func (s *Server) logAction(r *http.Request, action string, err error, args ...any) {
	args = append([]any{"who", CallerOf(r.Context()).String(), "action", action}, args...)
	if err != nil {
		s.log.Warn("control action failed", append(args, "err", err)...)
		return
	}
	s.log.Info("control action", args...)
}

func (s *Server) drain(on bool) http.HandlerFunc {
	action := "drain"
	if !on {
		action = "undrain"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var req DrainRequest
		if !decode(w, r, &req) {
			return
		}
		if req.VirtualServer == "" || req.RealServer == "" {
			writeJSON(w, http.StatusBadRequest, Error{Error: action + ": virtual_server and real_server are required"})
			return
		}
		ctx, cancel := s.ctx(r)
		defer cancel()
		err := s.b.Drain(ctx, req.VirtualServer, req.RealServer, on)
		s.logAction(r, action, err, "virtual_server", req.VirtualServer, "real_server", req.RealServer)
		if err != nil {
			writeErr(w, fmt.Errorf("%s %s %s: %w", action, req.VirtualServer, req.RealServer, err))
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	}
}

func (s *Server) maintenance(w http.ResponseWriter, r *http.Request) {
	var req MaintenanceRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Instance == "" {
		writeJSON(w, http.StatusBadRequest, Error{Error: "maintenance: instance is required"})
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	err := s.b.Maintenance(ctx, req.Instance, req.On)
	s.logAction(r, "maintenance", err, "instance", req.Instance, "on", req.On)
	if err != nil {
		writeErr(w, fmt.Errorf("maintenance %s: %w", req.Instance, err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true})
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := s.ctx(r)
	defer cancel()
	res, err := s.b.Reload(ctx)
	s.logAction(r, "reload", err, "result", res.Result, "config_hash", res.ConfigHash)
	if err != nil {
		writeErr(w, fmt.Errorf("reload: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) plan(w http.ResponseWriter, r *http.Request) {
	var req PlanRequest
	if !decode(w, r, &req) {
		return
	}
	ctx, cancel := s.ctx(r)
	defer cancel()
	p, err := s.b.Plan(ctx, req.File)
	s.logAction(r, "plan", err, "file", req.File, "changes", len(p.Changes))
	if err != nil {
		writeErr(w, fmt.Errorf("plan %s: %w", req.File, err))
		return
	}
	p.Changes = orEmpty(p.Changes)
	writeJSON(w, http.StatusOK, p)
}
