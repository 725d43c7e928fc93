package confparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func dumpTree(b *strings.Builder, ns []*Node, indent string) {
	for _, n := range ns {
		b.WriteString(indent + n.Key)
		for _, a := range n.Args {
			if a.Quoted {
				b.WriteString(" \"" + a.Text + "\"")
			} else {
				b.WriteString(" " + a.Text)
			}
		}
		if n.Block {
			b.WriteString(" {\n")
			dumpTree(b, n.Children, indent+"  ")
			b.WriteString(indent + "}")
		}
		b.WriteString("\n")
	}
}

func TestTreeBraceForms(t *testing.T) {
	src := `global_defs {
   router_id LVS_DEVEL   # comment
}
vrrp_instance VI_1
{
    state MASTER
    interface eth0 ! another comment
    priority 100 }
virtual_server 10.0.0.1 80 { delay_loop 6
  real_server 1.2.3.4 80 { weight 1
   TCP_CHECK { connect_timeout 3 } }
  notify "/bin/echo 'a b'" root
  path \#x
}
`
	want := `global_defs {
  router_id LVS_DEVEL
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  priority 100
}
virtual_server 10.0.0.1 80 {
  delay_loop 6
  real_server 1.2.3.4 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 3
    }
  }
  notify "/bin/echo 'a b'" root
  path #x
}
`
	p := filepath.Join(t.TempDir(), "k.conf")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ns, diags := ParseTree(p, Options{})
	if len(diags) != 0 {
		t.Fatalf("diags: %v", diags)
	}
	var b strings.Builder
	dumpTree(&b, ns, "")
	if b.String() != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", b.String(), want)
	}
	if ns[1].Pos.Line != 4 || ns[1].Children[2].Pos.Line != 8 {
		t.Fatalf("positions: %v %v", ns[1].Pos, ns[1].Children[2].Pos)
	}
}
