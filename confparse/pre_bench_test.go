package confparse

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeLarge writes n virtual_servers of 10 real_servers with TCP_CHECK
// (78 lines each) and returns the path and line count.
func writeLarge(tb testing.TB, n int) (string, int) {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "large.conf")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	lines := 0
	pr := func(format string, args ...any) {
		fmt.Fprintf(w, format+"\n", args...)
		lines++
	}
	for v := 0; v < n; v++ {
		pr("virtual_server 198.51.%d.%d 80 {", v/250, v%250)
		pr("    delay_loop 6  # seconds")
		pr("    lb_algo rr")
		pr("    lb_kind NAT")
		pr("    protocol TCP")
		pr("    persistence_timeout 50")
		pr("    quorum_up \"/usr/local/bin/up.sh %d\" root", v)
		for r := 0; r < 10; r++ {
			pr("    real_server 192.0.2.%d 80 {", r+1)
			pr("        weight 1")
			pr("        TCP_CHECK {")
			pr("            connect_timeout 3")
			pr("            retry 3")
			pr("        }")
			pr("    }")
		}
		pr("}")
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p, lines
}

// BenchmarkWalkLarge measures preprocessing, tokenizing and tree building
// (walk, as ParseTree and Load use it) of a 780,000-line configuration.
func BenchmarkWalkLarge(b *testing.B) {
	p, lines := writeLarge(b, 10000)
	defer noPoison()()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		nodes := 0
		diags := walk(p, Options{ConfigID: "n"}, true, func(*Node) { nodes++ })
		if nodes != 10000 || diags.HasErrors() {
			b.Fatalf("%d nodes, diags %v", nodes, diags[:min(len(diags), 3)])
		}
	}
	el := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(float64(lines)/el, "lines/s")
	b.ReportMetric(float64(lines), "lines")
}

func TestWalkLargeStreams(t *testing.T) {
	// A block at a time: the tree of one virtual_server per callback.
	p, _ := writeLarge(t, 50)
	count := 0
	walk(p, Options{ConfigID: "n"}, false, func(n *Node) {
		count++
		if n.Key != "virtual_server" || len(n.Children) != 16 || n.Children[5].Args[0].Text != fmt.Sprintf("/usr/local/bin/up.sh %d", count-1) {
			t.Fatalf("node %d: %s %d children", count, n.Key, len(n.Children))
		}
	})
	if count != 50 {
		t.Fatalf("%d nodes", count)
	}
}

func FuzzPreprocess(f *testing.F) {
	seeds := []string{
		"vrrp_instance VI { state MASTER\n priority 100 }\n",
		"$X=1\n$D=a \\\n b\n~SEQ(i,3) x$i $X\n$D\n",
		"@n a\n@^n b\n~LST({a,b},{1,2},{3}) ${a}${b}\n",
		"include nothere.conf\ninclude *.x\n",
		"notify \"/bin/echo 'a' \\\"b\\\"\" u g\n",
		"$A=$B$B\n$B=$A\nx $A\n",
		"~SEQ(i,0,1,100000000) ~SEQ(j,9) $i,$j\n",
		"a \"b { c\n} } {\n${_RANDOM 1 9} ${_ENV HOME} ${_PWD}\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		p := filepath.Join(dir, "fuzz.conf")
		if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
			t.Fatal(err)
		}
		ns, _ := ParseTree(p, Options{ConfigID: "n"})
		for _, n := range ns {
			if n.Pos.File == "" {
				t.Fatalf("node without position: %+v", n)
			}
		}
	})
}
