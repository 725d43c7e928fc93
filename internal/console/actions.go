package console

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/govrrpd/govrrpd/internal/control"
)

// act runs one backend action for a logged-in user and reports it.
func (c *Console) act(w http.ResponseWriter, r *http.Request, what string, f func(context.Context) error) {
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	ctx = control.WithCaller(ctx, control.Caller{Via: "console", UID: -1, PID: -1, Remote: r.RemoteAddr, CanWrite: true})
	if err := f(ctx); err != nil {
		c.log.Warn("console: action failed", "action", what, "from", sourceAddr(r), "err", err)
		c.fail(w, r, http.StatusBadRequest, what+": "+err.Error())
		return
	}
	c.log.Info("console: action", "action", what, "from", sourceAddr(r))
	c.render(w, r, "message", messageData{Done: what, Back: safeNext(r.PostFormValue("back"))})
}

func (c *Console) drain(w http.ResponseWriter, r *http.Request) {
	vs, rs, on := r.PostFormValue("vs"), r.PostFormValue("rs"), r.PostFormValue("on") == "true"
	verb := map[bool]string{true: "drain", false: "undrain"}[on]
	c.act(w, r, fmt.Sprintf("%s %s %s", verb, vs, rs), func(ctx context.Context) error { return c.b.Drain(ctx, vs, rs, on) })
}

func (c *Console) maintenance(w http.ResponseWriter, r *http.Request) {
	name, on := r.PostFormValue("instance"), r.PostFormValue("on") == "true"
	c.act(w, r, fmt.Sprintf("maintenance %s %v", name, map[bool]string{true: "on", false: "off"}[on]),
		func(ctx context.Context) error { return c.b.Maintenance(ctx, name, on) })
}

func (c *Console) reload(w http.ResponseWriter, r *http.Request) {
	c.act(w, r, "reload", func(ctx context.Context) error {
		res, err := c.b.Reload(ctx)
		if err == nil && res.Result == "refused" {
			err = fmt.Errorf("refused: %s", res.Error)
		}
		return err
	})
}
