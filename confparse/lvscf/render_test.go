package lvscf

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/confparse"
	"github.com/govrrpd/govrrpd/vrrp"
)

// layoutCF is a standalone lvs.cf whose skipped servers stand first,
// between two active ones and last, whose skipped virtuals come first,
// in a row and last but one, and whose timeouts equal keepalived's
// defaults (delay_loop 60, connect_timeout 5), which the printer
// normally leaves out.
const layoutCF = `serial_no = 3
primary = 192.0.2.1
service = lvs
network = direct
keepalive = 2
deadtime = 6
virtual off1 {
    active = 0
    address = 192.0.2.99 eth0:9
    port = 25
}
virtual web {
    active = 1
    address = 192.0.2.100 eth0:1
    vip_nmask = 255.255.255.255
    port = 443
    timeout = 60
    reentry = 60
    server s0 {
        address = 198.51.100.10
        active = 0
    }
    server s1 {
        address = 198.51.100.11
        active = 1
    }
    server s2 {
        address = 198.51.100.12
        active = 0
    }
    server s3 {
        address = 198.51.100.13
        active = 1
    }
    server s4 {
        address = 198.51.100.14
        active = 0
    }
}
virtual off2 {
    active = 0
    address = 192.0.2.98 eth0:8
    port = 25
}
virtual off3 {
    active = 0
    address = 192.0.2.97 eth0:7
    port = 25
}
virtual ssh {
    active = 1
    address = 192.0.2.100 eth0:1
    port = 22
    timeout = 5
    reentry = 5
    server s5 {
        address = 198.51.100.15
        active = 1
    }
}
`

const layoutConf = `# keepalived.conf converted from Piranha lvs.cf (serial_no 3)
# node: primary (standalone) 192.0.2.1

vrrp_instance VI_LVS {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 2
    virtual_ipaddress {
        192.0.2.100/32 dev eth0 label eth0:1
    }
}

# lvs.cf virtual off1 skipped: active = 0

# lvs.cf virtual web
virtual_server 192.0.2.100 443 {
    delay_loop 60
    lb_algo wlc
    lb_kind DR
    protocol TCP
    alpha
    # lvs.cf server s0 skipped: active = 0
    real_server 198.51.100.11 443 {
        weight 1
        TCP_CHECK {
            connect_timeout 60
            retry 0
        }
    }
    # lvs.cf server s2 skipped: active = 0
    real_server 198.51.100.13 443 {
        weight 1
        TCP_CHECK {
            connect_timeout 60
            retry 0
        }
    }
    # lvs.cf server s4 skipped: active = 0
}

# lvs.cf virtual off2 skipped: active = 0

# lvs.cf virtual off3 skipped: active = 0

# lvs.cf virtual ssh
virtual_server 192.0.2.100 22 {
    delay_loop 5
    lb_algo wlc
    lb_kind DR
    protocol TCP
    alpha
    real_server 198.51.100.15 22 {
        weight 1
        TCP_CHECK {
            connect_timeout 5
            retry 0
        }
    }
}
`

// TestRenderLayout pins what the goldens do not reach: skipped-server
// comments at every position, skipped virtuals each a section of their
// own, and delay_loop/connect_timeout written when they equal
// keepalived's defaults (mapping.md §2, §4.1, §4.4).
func TestRenderLayout(t *testing.T) {
	res, ds := Import([]byte(layoutCF), Options{}, ConvertOptions{Node: "primary"})
	if res == nil {
		t.Fatalf("conversion failed: %v", ds)
	}
	if got := res.String(); got != layoutConf {
		t.Errorf("output differs:\n%s", lineDiff(layoutConf, got))
	}
	path := filepath.Join(t.TempDir(), "layout.conf")
	if err := os.WriteFile(path, []byte(res.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	back, lds := confparse.Load(path, confparse.Options{ElsewhereScripts: true})
	if lds.HasErrors() {
		t.Fatalf("output does not load: %v", lds)
	}
	compareTyped(t, "layout", res.Config, back)
	if d := back.VirtualServers[0].DelayLoop; d != time.Minute {
		t.Errorf("delay_loop read back %v, want 1m", d)
	}
}

// TestDefaultsPrintNothing: the defaults constructors the importer starts
// from print as nothing but the keys the layout always writes, which is
// what lets a converter fill only what lvs.cf decides.
func TestDefaultsPrintNothing(t *testing.T) {
	cfg := confparse.NewDefaultConfig()
	in := confparse.InstanceDefaults(cfg)
	in.Name, in.VRID, in.Interface = "VI_X", 7, "eth0"
	var b bytes.Buffer
	pr := confparse.NewPrinter(&b)
	pr.GlobalDefs(cfg)
	pr.Instance(&in)
	if err := pr.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "vrrp_instance VI_X {\n    state BACKUP\n    interface eth0\n    virtual_router_id 7\n    priority 100\n    advert_int 1\n}\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}
	if in.UnicastTTL != 255 || in.GARP.MasterRepeat != 5 || in.DownTimerAdverts != 3 || !in.Accept || in.Version != 2 || in.Family != vrrp.IPv4 {
		t.Errorf("InstanceDefaults is not keepalived's instance: %+v", in)
	}
}

// TestWithDefaultsKeepsConverterSettings: completing the converter's
// settings with defaults may only fill what the converter left zero.
func TestWithDefaultsKeepsConverterSettings(t *testing.T) {
	inputs := []string{"extra/kitchen-lvs", "extra/kitchen-fos"}
	for _, ex := range examples {
		inputs = append(inputs, "examples/"+ex)
	}
	for _, ex := range inputs {
		res, ds := Import(readTestdata(t, ex+".cf"), Options{}, ConvertOptions{Node: "primary"})
		if res == nil {
			t.Fatalf("%s: %v", ex, ds)
		}
		done := withDefaults(res.Config)
		for i := range res.Config.Instances {
			keptFields(t, ex, reflect.ValueOf(res.Config.Instances[i]), reflect.ValueOf(done.Instances[i]))
		}
		for i := range res.Config.Checkers {
			keptFields(t, ex, reflect.ValueOf(*res.Config.Checkers[i]), reflect.ValueOf(*done.Checkers[i]))
			if done.Checkers[i].Retry != res.Config.Checkers[i].Retry {
				t.Errorf("%s: checker %d retry %d became %d", ex, i, res.Config.Checkers[i].Retry, done.Checkers[i].Retry)
			}
		}
		keptFields(t, ex, reflect.ValueOf(res.Config.Global), reflect.ValueOf(done.Global))
		keptFields(t, ex, reflect.ValueOf(res.Config.VRRP), reflect.ValueOf(done.VRRP))
	}
}

func keptFields(t *testing.T, ex string, orig, done reflect.Value) {
	t.Helper()
	for i := 0; i < orig.NumField(); i++ {
		f := orig.Field(i)
		if !orig.Type().Field(i).IsExported() || f.IsZero() {
			continue
		}
		g := done.Field(i)
		if f.Kind() == reflect.Interface && !g.IsNil() && f.Elem().Type() == g.Elem().Type() {
			f, g = f.Elem(), g.Elem() // check.Checker's Settings
		}
		if f.Kind() == reflect.Pointer && f.Elem().Kind() == reflect.Struct {
			keptFields(t, ex, f.Elem(), g.Elem())
			continue
		}
		if !reflect.DeepEqual(f.Interface(), g.Interface()) {
			t.Errorf("%s: %s.%s %v became %v", ex, orig.Type().Name(), orig.Type().Field(i).Name, f, g)
		}
	}
}

// TestConvertedArgvReadBack reads every converted output back and
// requires the argv of each check and notify script to be the argv the
// converter meant (nanny's strings), word for word. mapping.md §4.4.4
// encodes \ and ' for a first pass that keeps backslash pairs, as
// keepalived 2.3.2 and later read script strings (confparse's
// TestParseScriptKeepalivedProbe has the 2.4.3 measurements), so the
// arguments holding them, listed in tricky, must reach the program as
// written.
func TestConvertedArgvReadBack(t *testing.T) {
	tricky := []string{"^HTTP/1\\.[01] (200|302)", "'PING\r\n'", "+PONG\\z"}
	seen := map[string]bool{}
	dir := t.TempDir()
	for name, text := range allOutputs(t) {
		path := filepath.Join(dir, name+".conf")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		back, _ := confparse.Load(path, confparse.Options{ElsewhereScripts: true})
		src, node, _ := strings.Cut(name, ".")
		dirName := "examples/"
		if strings.HasPrefix(src, "kitchen") {
			dirName = "extra/"
		}
		res, _ := Import(readTestdata(t, dirName+src+".cf"), Options{}, ConvertOptions{Node: node})
		for i, ck := range res.Config.Checkers {
			if ck.Misc() != nil {
				compareArgv(t, name, ck.Misc().Path.Argv, back.Checkers[i].Misc().Path.Argv, seen)
			}
		}
		for i, s := range res.Config.Scripts {
			compareArgv(t, name, s.Script.Argv, back.Scripts[i].Script.Argv, seen)
		}
		n, g := res.Config.Instances[0].Notifies(), back.Instances[0].Notifies()
		compareArgv(t, name, n.Master.Argv, g.Master.Argv, seen)
		compareArgv(t, name, n.Stop.Argv, g.Stop.Argv, seen)
	}
	for _, k := range tricky {
		if !seen[k] {
			t.Errorf("argument %q no longer in any output: update the list", k)
		}
	}
}

// compareArgv requires the argv read back to equal the converter's, and
// notes which arguments it saw.
func compareArgv(t *testing.T, name string, want, got []string, seen map[string]bool) {
	t.Helper()
	if !slices.Equal(want, got) {
		t.Errorf("%s: argv %q read back as %q", name, want, got)
	}
	for _, w := range want {
		seen[w] = true
	}
}
