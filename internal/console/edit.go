package console

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/internal/plan"
	"github.com/govrrpd/govrrpd/internal/status"
)

// errConflict is another editor's save between this form's load and its
// submission.
const errConflict = consoleError("the file changed on disk since this form was loaded (another editor saved): reload the editor and redo the change")

// errRunningChanged is a save of any file of the configuration (the
// daemon's config hash moved) since this form was loaded.
const errRunningChanged = consoleError("the running configuration changed since this form was loaded (another editor applied, or a reload read a changed file): reload the editor and redo the change")

// proposal is an edit read from a form and checked against the disk.
type proposal struct {
	file, text string
	st         editState
}

// readProposal checks the form's file and hash and restores the keys
// the page never showed. A non-nil error has already been answered.
func (c *Console) readProposal(w http.ResponseWriter, r *http.Request) (*proposal, bool) {
	if !c.o.AllowEdit {
		c.fail(w, r, http.StatusForbidden, "configuration editing is off: start govrrpd with --http-allow-edit")
		return nil, false
	}
	file, ok := c.editable(r.PostFormValue("file"))
	if !ok {
		c.fail(w, r, http.StatusNotFound, "not a file of the running configuration: "+r.PostFormValue("file"))
		return nil, false
	}
	edited := strings.ReplaceAll(r.PostFormValue("text"), "\r\n", "\n")
	p := &proposal{file: file, st: editState{File: file, Text: edited, Hash: r.PostFormValue("hash"), Running: r.PostFormValue("running")}}
	orig, err := os.ReadFile(file)
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return nil, false
	}
	running, err := c.runningHash(r.Context())
	if err != nil {
		c.fail(w, r, http.StatusServiceUnavailable, err.Error())
		return nil, false
	}
	switch {
	case hashOf(orig) != p.st.Hash:
		p.st.Conflict = errConflict.Error()
	case running != p.st.Running:
		p.st.Conflict = errRunningChanged.Error()
	}
	if p.st.Conflict != "" {
		w.WriteHeader(http.StatusConflict)
		c.render(w, r, "edit", p.st)
		return nil, false
	}
	if p.text, err = unredact(edited, string(orig)); err != nil {
		p.st.Errors = []string{err.Error()}
		w.WriteHeader(http.StatusUnprocessableEntity)
		c.render(w, r, "edit", p.st)
		return nil, false
	}
	return p, true
}

// validate reads the edited tree from a temporary copy as a reload
// would, and asks the daemon for the plan of it. Messages name the real
// files, not the copy.
func (c *Console) validate(ctx context.Context, p *proposal) error {
	dir := filepath.Dir(c.o.ConfigFile)
	tmp, err := copyTree(dir)
	if err != nil {
		return fmt.Errorf("console: copying %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	rel, err := filepath.Rel(dir, p.file)
	if err != nil || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("console: %s is outside %s, where the editor can check it", p.file, dir)
	}
	if err := os.WriteFile(filepath.Join(tmp, rel), intoCopy([]byte(p.text), dir, tmp), 0o600); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	main := filepath.Join(tmp, filepath.Base(c.o.ConfigFile))
	real := func(s string) string { return strings.ReplaceAll(s, tmp, dir) }
	_, base := c.running()
	_, diags := confparse.Load(main, c.o.ConfigOptions)
	for _, m := range plan.Messages(plan.Refused(base, diags)) {
		p.st.Errors = append(p.st.Errors, real(m))
	}
	for _, d := range diags.Sorted() {
		if d.Severity < confparse.Fatal {
			p.st.Warnings = append(p.st.Warnings, real(d.String()))
		}
	}
	if len(p.st.Errors) > 0 {
		return nil
	}
	pl, err := c.b.Plan(ctx, main)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	for _, e := range pl.Errors {
		p.st.Errors = append(p.st.Errors, real(e))
	}
	p.st.Plan = &pl
	return nil
}

func (c *Console) editCheck(w http.ResponseWriter, r *http.Request) {
	p, ok := c.readProposal(w, r)
	if !ok {
		return
	}
	if err := c.validate(r.Context(), p); err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	if len(p.st.Errors) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
	} else {
		p.st.Planned = hashOf([]byte(p.st.Text))
	}
	c.render(w, r, "edit", p.st)
}

// editApply re-checks (the disk may have changed since the plan was
// shown), writes atomically and reloads.
func (c *Console) editApply(w http.ResponseWriter, r *http.Request) {
	p, ok := c.readProposal(w, r)
	if !ok {
		return
	}
	if hashOf([]byte(p.st.Text)) != r.PostFormValue("planned") {
		p.st.Errors = []string{"the text changed after its plan was shown: check it again to see the plan, then apply"}
	} else if err := c.validate(r.Context(), p); err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	if len(p.st.Errors) > 0 {
		p.st.Plan = nil
		w.WriteHeader(http.StatusUnprocessableEntity)
		c.render(w, r, "edit", p.st)
		return
	}
	if err := writeAtomic(p.file, []byte(p.text)); err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	c.log.Info("console: configuration written", "file", p.file, "from", sourceAddr(r))
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	res, err := c.b.Reload(ctx)
	if err != nil {
		res = status.Reload{Result: "failed", Error: err.Error()}
	}
	b, _ := os.ReadFile(p.file)
	p.st.Text, p.st.Hash, p.st.Plan, p.st.Result = redact(string(b)), hashOf(b), nil, &res
	if h, err := c.runningHash(r.Context()); err == nil {
		p.st.Running = h // the next edit from this page starts from what was applied
	}
	c.render(w, r, "edit", p.st)
}

// writeAtomic replaces path with data: a temporary file in the same
// directory with the old mode and owner, the old content kept as
// PATH.govrrpd-prev, then a rename, so a reader sees the old file or the
// new one, never half of one.
func writeAtomic(path string, data []byte) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := replace(path+".govrrpd-prev", old, fi); err != nil {
		return err
	}
	return replace(path, data, fi)
}

func replace(path string, data []byte, like os.FileInfo) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(like.Mode().Perm())
	}
	if st, ok := like.Sys().(*syscall.Stat_t); ok && err == nil {
		err = f.Chown(int(st.Uid), int(st.Gid))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
