package lab_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// The test binary doubles as the lab's TCP listener and client, so the lab
// needs nothing beyond iproute2: run inside a namespace with LAB_ECHO_NAME
// set it serves its name on LAB_ECHO_ADDR; with LAB_DIAL set it connects
// there and prints what it got.
func init() {
	if name := os.Getenv("LAB_ECHO_NAME"); name != "" {
		serveEcho(name, os.Getenv("LAB_ECHO_ADDR"))
		os.Exit(0)
	}
	if addr := os.Getenv("LAB_DIAL_LOOP"); addr != "" {
		dialLoop(addr, os.Getenv("LAB_DIAL_FOR"))
		os.Exit(0)
	}
	if addr := os.Getenv("LAB_DIAL"); addr != "" {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		c.SetDeadline(time.Now().Add(time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Print(line)
		os.Exit(0)
	}
}

func serveEcho(name, addr string) {
	// Bind with IP_FREEBIND semantics by listening on the wildcard: the VIP
	// comes and goes, the listener stays.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Fprintf(c, "%s\n", name)
		c.Close()
	}
}

// dial connects from the client namespace to addr and returns the name of
// the router that answered.
func (r *rig) dial(addr string) (string, error) {
	out, err := r.lab.Client.RunEnv([]string{"LAB_DIAL=" + addr}, os.Args[0])
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// dialUntil retries dial until want answers or timeout passes.
func (r *rig) dialUntil(addr, want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		got, err := r.dial(addr)
		if err == nil && got == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("client reached %q (%v), want %s", got, err, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serveAll starts an echo listener on every router.
func (r *rig) serveAll(port int) {
	r.t.Helper()
	for _, h := range r.lab.Routers {
		_, err := h.StartEnv(r.dir+"/"+h.Name+"-echo.log", []string{"LAB_ECHO_NAME=" + h.Name, fmt.Sprintf("LAB_ECHO_ADDR=:%d", port)}, os.Args[0])
		if err != nil {
			r.t.Fatal(err)
		}
	}
}

// dialLoop connects to addr every 10 ms for the given duration and prints
// how many connections succeeded and failed.
func dialLoop(addr, dur string) {
	d, err := time.ParseDuration(dur)
	if err != nil {
		d = 10 * time.Second
	}
	ok, fail := 0, 0
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.SetDeadline(time.Now().Add(200 * time.Millisecond))
			_, err = bufio.NewReader(c).ReadString('\n')
			c.Close()
		}
		if err != nil {
			fail++
		} else {
			ok++
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Printf("ok=%d fail=%d\n", ok, fail)
}
