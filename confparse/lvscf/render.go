package lvscf

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/govrrpd/govrrpd/check"
	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/ipvs"
	"github.com/govrrpd/govrrpd/vrrp"
)

// Render writes the converted configuration through the keepalived.conf
// printer, in the layout mapping.md fixes: header comments, global_defs,
// the VRRP part, then one block per lvs.cf virtual with its comment,
// sections separated by one blank line.
//
// It prints the typed config, not lvs.cf, so what is written is what
// govrrpd runs; the Result adds only what settings cannot hold: the
// comments and the places of the blocks and servers left out.
func Render(w io.Writer, r *Result) error {
	cfg := withDefaults(r.Config)
	pr := confparse.NewPrinter(w)
	pr.ExplicitTimers()
	for _, h := range r.Header {
		pr.Comment(h)
	}
	pr.Blank()
	pr.GlobalDefs(cfg)
	for i := range cfg.Scripts {
		pr.ScriptTracker(&cfg.Scripts[i])
	}
	for i := range cfg.Instances {
		pr.Instance(&cfg.Instances[i])
	}
	// A skipped virtual is a comment standing alone: the printer ties a
	// top-level comment to the block after it, so the blank line that
	// separates sections is written here.
	alone := false
	for _, l := range r.Virtuals {
		if alone {
			pr.Blank()
		}
		pr.Comment(l.Comment)
		if alone = l.VS < 0; alone {
			continue
		}
		pr.VirtualServer(cfg, &cfg.VirtualServers[l.VS], realNotes(l.Slots)...)
	}
	return pr.Flush()
}

// realNotes places each skipped server's comment before the real server
// that followed it in lvs.cf.
func realNotes(slots []Slot) []confparse.RealNote {
	var notes []confparse.RealNote
	reals := 0
	for _, s := range slots {
		if s.Skipped == "" {
			reals++
			continue
		}
		notes = append(notes, confparse.RealNote{Before: reals, Text: s.Skipped})
	}
	return notes
}

// withDefaults completes the converter's settings with keepalived's
// defaults. The converter fills only what lvs.cf decides and leaves other
// settings at Go's zero value, while the printer writes every setting that
// differs from keepalived's default: uncompleted, the zeros would print as
// unicast_ttl 0, smtp_connect_timeout 0 or delay_before_retry 0.
func withDefaults(c *confparse.Config) *confparse.Config {
	out := *c
	d := confparse.NewDefaultConfig()
	out.Global = overlay(d.Global, c.Global)
	out.VRRP = overlay(d.VRRP, c.VRRP)
	inst := confparse.InstanceDefaults(&out)
	out.Instances = make([]vrrp.Instance, len(c.Instances))
	for i, in := range c.Instances {
		out.Instances[i] = overlay(inst, in)
	}
	out.Checkers = make([]*check.Checker, len(c.Checkers))
	reals := realsByTarget(c)
	for i, ck := range c.Checkers {
		t, ok := reals[ck.Target]
		if !ok {
			out.Checkers[i] = ck
			continue
		}
		// retry 0 is decided (one failed nanny probe marked a server
		// down), not left unset.
		done := overlay(confparse.CheckerBlockDefaults(t.vs, t.rs, ck.Kind), *ck)
		done.Retry = ck.Retry
		out.Checkers[i] = &done
	}
	return &out
}

// overlay returns def with every exported field that is set (not Go's zero
// value) in v taken from v; a settings block behind a pointer (or an
// interface holding one, as check.Checker's Settings) that both have is
// overlaid field by field in a copy.
func overlay[T any](def, v T) T {
	overlayValue(reflect.ValueOf(&def).Elem(), reflect.ValueOf(v))
	return def
}

func overlayValue(d, s reflect.Value) {
	for i := 0; i < s.NumField(); i++ {
		sf, df := s.Field(i), d.Field(i)
		sp, dp := sf, df
		if sf.Kind() == reflect.Interface && !sf.IsNil() && !df.IsNil() && sf.Elem().Type() == df.Elem().Type() {
			sp, dp = sf.Elem(), df.Elem()
		}
		switch {
		case !d.Type().Field(i).IsExported() || sf.IsZero():
		case sp.Kind() == reflect.Pointer && sp.Elem().Kind() == reflect.Struct && !dp.IsNil():
			n := reflect.New(sp.Elem().Type())
			n.Elem().Set(dp.Elem())
			overlayValue(n.Elem(), sp.Elem())
			df.Set(n)
		default:
			df.Set(sf)
		}
	}
}

type realRef struct {
	vs *ipvs.VirtualServer
	rs *ipvs.RealServer
}

// realsByTarget indexes the real servers by the target a checker names;
// a service key is formatted text, so it is computed once per service.
func realsByTarget(c *confparse.Config) map[check.Target]realRef {
	m := map[check.Target]realRef{}
	for i := range c.VirtualServers {
		vs := &c.VirtualServers[i]
		key := vs.Key()
		for j := range vs.Reals {
			m[check.Target{Service: key, Real: vs.Reals[j].Addr}] = realRef{vs, &vs.Reals[j]}
		}
	}
	return m
}

// String renders r, for tests and for callers that want the text.
func (r *Result) String() string {
	var b strings.Builder
	if err := Render(&b, r); err != nil {
		return fmt.Sprintf("render: %v", err)
	}
	return b.String()
}
