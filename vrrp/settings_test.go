package vrrp

import (
	"testing"

	"github.com/govrrpd/govrrpd/script"
)

// An instance without notify commands carries no Notify (issue #12: half
// a kilobyte each at thousands of instances); reading one is the zero
// Notify, and setting one makes it.
func TestNotifyMadeOnFirstSet(t *testing.T) {
	var in Instance
	if n := in.Notifies(); !n.IsZero() || in.Notify != nil {
		t.Fatalf("unset: Notifies %+v, Notify %p", n, in.Notify)
	}
	in.NotifyRef().Master = script.Spec{Raw: "/bin/m", Argv: []string{"/bin/m"}}
	if in.Notify == nil || in.Notifies().Master.Raw != "/bin/m" || in.Notify.IsZero() {
		t.Fatalf("after NotifyRef: %+v", in.Notify)
	}
	cp := in
	if cp.NotifyRef() != in.Notify {
		t.Error("a copy of the instance does not share its Notify")
	}
	for name, n := range map[string]Notify{
		"deleted alone": {DeletedSet: true},
		"generic":       {Generic: script.Spec{Raw: "x"}},
		"lower prio":    {MasterRxLowerPri: script.Spec{Argv: []string{"x"}}},
	} {
		if n.IsZero() {
			t.Errorf("%s: IsZero", name)
		}
	}
}
