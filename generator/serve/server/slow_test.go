package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServerLimits: the server that ServeListener runs has every timeout
// and the header limit set, and answers headers over the limit with 431.
func TestServerLimits(t *testing.T) {
	srv := newHTTPServer(Handler(site(t)))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Fatalf("a limit is unset: %+v", srv)
	}
	if srv.ReadHeaderTimeout > srv.ReadTimeout || srv.ReadTimeout > srv.WriteTimeout {
		t.Errorf("timeouts out of order: header %v, read %v, write %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout)
	}
	addr := start(t, srv)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 4*MaxHeaderBytes)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d for headers of %d bytes", resp.StatusCode, 4*MaxHeaderBytes)
	}
}

// TestSlowClientsCannotHoldTheServer opens many connections that send
// their headers a byte at a time (slowloris). Meanwhile an ordinary
// request is answered at once, and the server drops every slow
// connection once the header timeout (shortened here) has passed, however
// often it trickles.
func TestSlowClientsCannotHoldTheServer(t *testing.T) {
	srv := newHTTPServer(Handler(site(t)))
	srv.ReadHeaderTimeout = 300 * time.Millisecond
	addr := start(t, srv)
	const slow = 200
	var wg sync.WaitGroup
	dropped := make(chan time.Duration, slow)
	for range slow {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			begun := time.Now()
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n")
			for time.Since(begun) < 5*time.Second {
				if _, err := io.WriteString(conn, "X"); err != nil {
					break
				}
				conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
				var b [512]byte
				if _, err := conn.Read(b[:]); err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						continue // still open
					}
				}
				break // answered (408) or closed
			}
			dropped <- time.Since(begun)
		}()
	}
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("an ordinary request beside %d slow ones: %v", slow, err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	wg.Wait()
	close(dropped)
	var longest time.Duration
	for d := range dropped {
		longest = max(longest, d)
	}
	if longest >= 5*time.Second {
		t.Errorf("a slow client held its connection for %v, past the header timeout of %v", longest, srv.ReadHeaderTimeout)
	}
	t.Logf("%d slow clients dropped within %v", slow, longest)
}

// start serves srv on a free loopback port until the test ends.
func start(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}
